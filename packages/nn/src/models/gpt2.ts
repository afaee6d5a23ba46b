/**
 * GPT-2 (HF `GPT2Model`, `GPT2LMHeadModel`): pre-LN blocks, learned absolute positions, Conv1D
 * weights [in, out], fused c_attn (q | k | v), gelu_new MLP, the LM head tied to `wte`. Field names
 * are the checkpoint's keys (`transformer.h.0.attn.c_attn.weight`).
 */
import { add, matmul, split, transpose, type Tensor } from '@tessera/core';
import { attend, mergeHeads, paddingMask, splitHeads } from '../attention.js';
import { KVCache, type NewCacheOptions } from '../cache.js';
import { ConfigError } from '../errors.js';
import { gpt2ResidualInit, normalInit } from '../init.js';
import { ConfigReader, type ConfigDict } from '../io/config.js';
import { loadPretrained, PreTrainedModel, type FromPretrainedOptions, type PretrainedConfig } from '../io/pretrained.js';
import { activation, type Activation } from '../layers/activations.js';
import { Dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import { Conv1D } from '../layers/linear.js';
import { LayerNorm } from '../layers/norm.js';
import { Module } from '../module.js';
import { positionsFromMask, positionsRange } from '../positional/positions.js';
import { Weights } from '../weights.js';
import { registerFamily } from '../auto.js';
import { checkInputs, type CausalLMOutput, type DecoderInputs, shiftedLoss } from './common.js';

export class GPT2Config implements PretrainedConfig {
  readonly modelType = 'gpt2';
  readonly vocabSize: number;
  readonly nPositions: number;
  readonly nEmbd: number;
  readonly nLayer: number;
  readonly nHead: number;
  readonly nInner: number;
  readonly activationFunction: string;
  readonly residPdrop: number;
  readonly embdPdrop: number;
  readonly attnPdrop: number;
  readonly layerNormEpsilon: number;
  readonly initializerRange: number;
  readonly scaleAttnWeights: boolean;
  readonly scaleAttnByInverseLayerIdx: boolean;
  readonly tieWordEmbeddings: boolean;
  readonly bosTokenId: number | number[] | null;
  readonly eosTokenId: number | number[] | null;
  readonly padTokenId: number | number[] | null;
  private readonly raw: ConfigDict;

  /** From config.json's dict (HF names; absent fields take HF's defaults). */
  constructor(dict: ConfigDict = {}) {
    const r = new ConfigReader(dict, 'GPT2Config');
    r.modelType('gpt2');
    this.raw = { ...dict };
    this.vocabSize = r.int('vocab_size', 50257);
    this.nPositions = r.int('n_positions', 1024);
    this.nEmbd = r.int('n_embd', 768);
    this.nLayer = r.int('n_layer', 12);
    this.nHead = r.int('n_head', 12);
    if (this.nEmbd % this.nHead) throw new ConfigError(`GPT2Config: n_embd ${this.nEmbd} is not a multiple of n_head ${this.nHead}`);
    this.nInner = r.optInt('n_inner', 1) ?? 4 * this.nEmbd;
    this.activationFunction = r.oneOf('activation_function', 'gelu_new', ['gelu_new', 'gelu', 'relu', 'silu', 'gelu_pytorch_tanh', 'quick_gelu', 'tanh', 'sigmoid', 'swish']);
    this.residPdrop = r.num('resid_pdrop', 0.1, 0, 0.999);
    this.embdPdrop = r.num('embd_pdrop', 0.1, 0, 0.999);
    this.attnPdrop = r.num('attn_pdrop', 0.1, 0, 0.999);
    this.layerNormEpsilon = r.num('layer_norm_epsilon', 1e-5, 0);
    this.initializerRange = r.num('initializer_range', 0.02, 0);
    this.scaleAttnWeights = r.bool('scale_attn_weights', true);
    this.scaleAttnByInverseLayerIdx = r.bool('scale_attn_by_inverse_layer_idx', false);
    this.tieWordEmbeddings = r.bool('tie_word_embeddings', true);
    if (!this.tieWordEmbeddings) throw new ConfigError('GPT2Config: tie_word_embeddings false is not supported (GPT-2 ties its LM head to wte)');
    this.bosTokenId = r.tokenIds('bos_token_id', 50256);
    this.eosTokenId = r.tokenIds('eos_token_id', 50256);
    this.padTokenId = r.tokenIds('pad_token_id', null);
  }

  /** camelCase construction for code: `GPT2Config.from({ nLayer: 4, nHead: 4, nEmbd: 128, ... })`. */
  static from(o: Partial<Record<'vocabSize' | 'nPositions' | 'nEmbd' | 'nLayer' | 'nHead' | 'nInner', number>> & {
    activationFunction?: string; residPdrop?: number; embdPdrop?: number; attnPdrop?: number; layerNormEpsilon?: number; initializerRange?: number;
  }): GPT2Config {
    const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    return new GPT2Config(Object.fromEntries(Object.entries(o).map(([k, v]) => [snake(k), v])));
  }

  toDict(): ConfigDict {
    return {
      ...this.raw, model_type: 'gpt2', vocab_size: this.vocabSize, n_positions: this.nPositions, n_embd: this.nEmbd,
      n_layer: this.nLayer, n_head: this.nHead, n_inner: this.raw.n_inner ?? null, activation_function: this.activationFunction,
      resid_pdrop: this.residPdrop, embd_pdrop: this.embdPdrop, attn_pdrop: this.attnPdrop,
      layer_norm_epsilon: this.layerNormEpsilon, initializer_range: this.initializerRange,
      scale_attn_weights: this.scaleAttnWeights, scale_attn_by_inverse_layer_idx: this.scaleAttnByInverseLayerIdx,
      bos_token_id: this.bosTokenId, eos_token_id: this.eosTokenId, ...(this.padTokenId !== null ? { pad_token_id: this.padTokenId } : {}),
    };
  }

  generationConfig(): ConfigDict {
    return { _from_model_config: true, bos_token_id: this.bosTokenId, eos_token_id: this.eosTokenId, ...(this.padTokenId !== null ? { pad_token_id: this.padTokenId } : {}) };
  }
}

export class GPT2Attention extends Module {
  c_attn: Conv1D;
  c_proj: Conv1D;
  attn_dropout: Dropout;
  resid_dropout: Dropout;
  constructor(readonly config: GPT2Config, readonly layerIdx: number, w: Weights) {
    super();
    const C = config.nEmbd;
    this.c_attn = new Conv1D(C, 3 * C, normalInit(config.initializerRange), w.pp('c_attn'));
    this.c_proj = new Conv1D(C, C, gpt2ResidualInit(config.initializerRange, config.nLayer), w.pp('c_proj'));
    this.attn_dropout = new Dropout(config.attnPdrop);
    this.resid_dropout = new Dropout(config.residPdrop);
  }

  forward(x: Tensor, mask: Tensor | undefined, cache?: KVCache): Tensor {
    const { nHead, nEmbd } = this.config;
    const [q, k, v] = split(this.c_attn.forward(x), nEmbd, -1).map((t) => splitHeads(t, nHead)) as [Tensor, Tensor, Tensor];
    const [kk, vv] = cache ? cache.update(this.layerIdx, k, v) : [k, v];
    let scale = this.config.scaleAttnWeights ? 1 / Math.sqrt(nEmbd / nHead) : 1;
    if (this.config.scaleAttnByInverseLayerIdx) scale /= this.layerIdx + 1;
    const dropoutP = this.training ? this.attn_dropout.p : 0;
    const y = attend(q, kk, vv, { mask, causal: true, scale, dropoutP });
    return this.resid_dropout.forward(this.c_proj.forward(mergeHeads(y)));
  }
}

export class GPT2MLP extends Module {
  c_fc: Conv1D;
  c_proj: Conv1D;
  dropout: Dropout;
  private readonly act: Activation;
  constructor(config: GPT2Config, w: Weights) {
    super();
    this.c_fc = new Conv1D(config.nEmbd, config.nInner, normalInit(config.initializerRange), w.pp('c_fc'));
    this.c_proj = new Conv1D(config.nInner, config.nEmbd, gpt2ResidualInit(config.initializerRange, config.nLayer), w.pp('c_proj'));
    this.dropout = new Dropout(config.residPdrop);
    this.act = activation(config.activationFunction, 'GPT2MLP');
  }

  forward(x: Tensor): Tensor {
    return this.dropout.forward(this.c_proj.forward(this.act(this.c_fc.forward(x))));
  }
}

export class GPT2Block extends Module {
  ln_1: LayerNorm;
  attn: GPT2Attention;
  ln_2: LayerNorm;
  mlp: GPT2MLP;
  constructor(config: GPT2Config, layerIdx: number, w: Weights) {
    super();
    this.ln_1 = new LayerNorm(config.nEmbd, config.layerNormEpsilon, w.pp('ln_1'));
    this.attn = new GPT2Attention(config, layerIdx, w.pp('attn'));
    this.ln_2 = new LayerNorm(config.nEmbd, config.layerNormEpsilon, w.pp('ln_2'));
    this.mlp = new GPT2MLP(config, w.pp('mlp'));
  }

  forward(h: Tensor, mask: Tensor | undefined, cache?: KVCache): Tensor {
    const a = add(h, this.attn.forward(this.ln_1.forward(h), mask, cache));
    return add(a, this.mlp.forward(this.ln_2.forward(a)));
  }
}

const IGNORE = [/\.attn\.(masked_)?bias$/, /^lm_head\.weight$/];

export class GPT2Model extends PreTrainedModel<GPT2Config> {
  wte: Embedding;
  wpe: Embedding;
  drop: Dropout;
  h: GPT2Block[];
  ln_f: LayerNorm;

  constructor(config: GPT2Config = new GPT2Config(), w = new Weights()) {
    super(config);
    const init = normalInit(config.initializerRange);
    this.wte = new Embedding(config.vocabSize, config.nEmbd, init, w.pp('wte'));
    this.wpe = new Embedding(config.nPositions, config.nEmbd, init, w.pp('wpe'));
    this.drop = new Dropout(config.embdPdrop);
    this.h = Array.from({ length: config.nLayer }, (_, i) => new GPT2Block(config, i, w.pp(`h.${i}`)));
    this.ln_f = new LayerNorm(config.nEmbd, config.layerNormEpsilon, w.pp('ln_f'));
  }

  get className(): string { return 'GPT2Model'; }

  static async fromPretrained(dir: string, opts: FromPretrainedOptions = {}): Promise<GPT2Model> {
    return loadPretrained(dir, opts, {
      where: 'GPT2Model.fromPretrained', readConfig: (d) => new GPT2Config(d), build: (c, w) => new GPT2Model(c, w),
      basePrefix: 'transformer', ignoreUnexpected: IGNORE,
    });
  }

  /** A preallocated K/V cache for incremental decoding. */
  newCache(opts: NewCacheOptions): KVCache {
    const c = this.config;
    return new KVCache({ numLayers: c.nLayer, numKvHeads: c.nHead, headDim: c.nEmbd / c.nHead }, { dtype: this.wte.weight.dtype, backend: this.wte.weight.backend, ...opts });
  }

  forward(inputs: DecoderInputs): { lastHiddenState: Tensor } {
    const { inputIds, attentionMask, cache } = checkInputs('GPT2Model.forward', inputs, this.config.nPositions);
    const [B, T] = inputIds.shape as [number, number];
    const past = cache?.length ?? 0;
    cache?.checkStep(B, T, 'GPT2Model.forward');
    const positionIds = inputs.positionIds ?? (attentionMask ? positionsFromMask(attentionMask, T) : positionsRange(B, T, past, inputIds.backend));
    let h = this.drop.forward(add(this.wte.forward(inputIds), this.wpe.forward(positionIds)));
    const mask = attentionMask ? paddingMask(attentionMask) : undefined;
    for (const block of this.h) h = block.forward(h, mask, cache);
    cache?.advance(T);
    return { lastHiddenState: this.ln_f.forward(h) };
  }
}

export class GPT2LMHeadModel extends PreTrainedModel<GPT2Config> {
  transformer: GPT2Model;

  constructor(config: GPT2Config = new GPT2Config(), w = new Weights()) {
    super(config);
    this.transformer = new GPT2Model(config, w.pp('transformer'));
  }

  get className(): string { return 'GPT2LMHeadModel'; }

  static async fromPretrained(dir: string, opts: FromPretrainedOptions = {}): Promise<GPT2LMHeadModel> {
    return loadPretrained(dir, opts, {
      where: 'GPT2LMHeadModel.fromPretrained', readConfig: (d) => new GPT2Config(d), build: (c, w) => new GPT2LMHeadModel(c, w),
      basePrefix: 'transformer', ignoreUnexpected: IGNORE,
    });
  }

  newCache(opts: NewCacheOptions): KVCache { return this.transformer.newCache(opts); }

  /** logits [B, T, vocab] (head tied to wte); with `labels`, the shifted next-token loss. */
  forward(inputs: DecoderInputs): CausalLMOutput {
    const { lastHiddenState } = this.transformer.forward(inputs);
    const logits = matmul(lastHiddenState, transpose(this.transformer.wte.weight, 0, 1));
    return { logits, lastHiddenState, ...(inputs.labels ? { loss: shiftedLoss(logits, inputs.labels) } : {}) };
  }
}

registerFamily('gpt2', { config: (d) => new GPT2Config(d), classes: { GPT2Model, GPT2LMHeadModel }, causalLM: 'GPT2LMHeadModel', base: 'GPT2Model' });
