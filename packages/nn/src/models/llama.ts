/**
 * LLaMA (HF `LlamaModel`, `LlamaForCausalLM`): pre-RMSNorm blocks, rotary positions (rotate-half,
 * rope_theta), grouped-query attention (num_key_value_heads), SwiGLU MLP, tied or untied head.
 */
import { add, matmul, transpose, type Tensor } from '@tessera/core';
import { attend, mergeHeads, paddingMask, splitHeads } from '../attention.js';
import { KVCache, type NewCacheOptions } from '../cache.js';
import { ConfigError } from '../errors.js';
import { normalInit } from '../init.js';
import { ConfigReader, type ConfigDict } from '../io/config.js';
import { loadPretrained, PreTrainedModel, type FromPretrainedOptions, type PretrainedConfig } from '../io/pretrained.js';
import { activation } from '../layers/activations.js';
import { Embedding } from '../layers/embedding.js';
import { GatedMLP } from '../layers/feed-forward.js';
import { Linear } from '../layers/linear.js';
import { RMSNorm } from '../layers/norm.js';
import { Module } from '../module.js';
import { positionsFromMask, positionsRange } from '../positional/positions.js';
import { applyRotary, RotaryEmbedding } from '../positional/rotary.js';
import { Weights } from '../weights.js';
import { registerFamily } from '../auto.js';
import { checkInputs, shiftedLoss, type CausalLMOutput, type DecoderInputs } from './common.js';

export class LlamaConfig implements PretrainedConfig {
  readonly modelType = 'llama';
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly numKeyValueHeads: number;
  readonly headDim: number;
  readonly hiddenAct: string;
  readonly maxPositionEmbeddings: number;
  readonly rmsNormEps: number;
  readonly ropeTheta: number;
  readonly attentionBias: boolean;
  readonly mlpBias: boolean;
  readonly attentionDropout: number;
  readonly tieWordEmbeddings: boolean;
  readonly initializerRange: number;
  readonly bosTokenId: number | number[] | null;
  readonly eosTokenId: number | number[] | null;
  readonly padTokenId: number | number[] | null;
  private readonly raw: ConfigDict;

  constructor(dict: ConfigDict = {}) {
    const r = new ConfigReader(dict, 'LlamaConfig');
    r.modelType('llama');
    this.raw = { ...dict };
    this.vocabSize = r.int('vocab_size', 32000);
    this.hiddenSize = r.int('hidden_size', 4096);
    this.intermediateSize = r.int('intermediate_size', 11008);
    this.numHiddenLayers = r.int('num_hidden_layers', 32);
    this.numAttentionHeads = r.int('num_attention_heads', 32);
    this.numKeyValueHeads = r.optInt('num_key_value_heads', 1) ?? this.numAttentionHeads;
    if (this.numAttentionHeads % this.numKeyValueHeads) {
      throw new ConfigError(`LlamaConfig: num_attention_heads ${this.numAttentionHeads} is not a multiple of num_key_value_heads ${this.numKeyValueHeads}`);
    }
    this.headDim = r.optInt('head_dim', 1) ?? this.hiddenSize / this.numAttentionHeads;
    if (!Number.isInteger(this.headDim) || this.headDim % 2) throw new ConfigError(`LlamaConfig: head_dim ${this.headDim} must be an even integer`);
    this.hiddenAct = r.oneOf('hidden_act', 'silu', ['silu', 'gelu', 'gelu_new', 'relu', 'gelu_pytorch_tanh']);
    this.maxPositionEmbeddings = r.int('max_position_embeddings', 2048);
    this.rmsNormEps = r.num('rms_norm_eps', 1e-6, 0);
    this.ropeTheta = r.num('rope_theta', 10000, 1);
    r.unsupportedUnlessNull('rope_scaling', 'RoPE scaling');
    this.attentionBias = r.bool('attention_bias', false);
    this.mlpBias = r.bool('mlp_bias', false);
    this.attentionDropout = r.num('attention_dropout', 0, 0, 0.999);
    this.tieWordEmbeddings = r.bool('tie_word_embeddings', false);
    this.initializerRange = r.num('initializer_range', 0.02, 0);
    this.bosTokenId = r.tokenIds('bos_token_id', 1);
    this.eosTokenId = r.tokenIds('eos_token_id', 2);
    this.padTokenId = r.tokenIds('pad_token_id', null);
  }

  toDict(): ConfigDict {
    return {
      ...this.raw, model_type: 'llama', vocab_size: this.vocabSize, hidden_size: this.hiddenSize,
      intermediate_size: this.intermediateSize, num_hidden_layers: this.numHiddenLayers,
      num_attention_heads: this.numAttentionHeads, num_key_value_heads: this.numKeyValueHeads, head_dim: this.headDim,
      hidden_act: this.hiddenAct, max_position_embeddings: this.maxPositionEmbeddings, rms_norm_eps: this.rmsNormEps,
      rope_theta: this.ropeTheta, rope_scaling: null, attention_bias: this.attentionBias, mlp_bias: this.mlpBias,
      attention_dropout: this.attentionDropout, tie_word_embeddings: this.tieWordEmbeddings,
      initializer_range: this.initializerRange, bos_token_id: this.bosTokenId, eos_token_id: this.eosTokenId,
      pad_token_id: this.padTokenId,
    };
  }

  generationConfig(): ConfigDict {
    return { _from_model_config: true, bos_token_id: this.bosTokenId, eos_token_id: this.eosTokenId, ...(this.padTokenId !== null ? { pad_token_id: this.padTokenId } : {}) };
  }
}

export class LlamaAttention extends Module {
  q_proj: Linear;
  k_proj: Linear;
  v_proj: Linear;
  o_proj: Linear;
  constructor(readonly config: LlamaConfig, readonly layerIdx: number, w: Weights) {
    super();
    const { hiddenSize: C, numAttentionHeads: H, numKeyValueHeads: Hkv, headDim: D, attentionBias: bias } = config;
    const init = normalInit(config.initializerRange);
    const o = { bias, weightInit: init, biasInit: init };
    this.q_proj = new Linear(C, H * D, o, w.pp('q_proj'));
    this.k_proj = new Linear(C, Hkv * D, o, w.pp('k_proj'));
    this.v_proj = new Linear(C, Hkv * D, o, w.pp('v_proj'));
    this.o_proj = new Linear(H * D, C, o, w.pp('o_proj'));
  }

  forward(x: Tensor, cos: Tensor, sin: Tensor, mask: Tensor | undefined, cache?: KVCache): Tensor {
    const { numAttentionHeads: H, numKeyValueHeads: Hkv } = this.config;
    const q = applyRotary(splitHeads(this.q_proj.forward(x), H), cos, sin);
    const k = applyRotary(splitHeads(this.k_proj.forward(x), Hkv), cos, sin);
    const v = splitHeads(this.v_proj.forward(x), Hkv);
    const [kk, vv] = cache ? cache.update(this.layerIdx, k, v) : [k, v];
    const y = attend(q, kk, vv, { mask, causal: true, dropoutP: this.training ? this.config.attentionDropout : 0 });
    return this.o_proj.forward(mergeHeads(y));
  }
}

export class LlamaDecoderLayer extends Module {
  self_attn: LlamaAttention;
  mlp: GatedMLP;
  input_layernorm: RMSNorm;
  post_attention_layernorm: RMSNorm;
  constructor(config: LlamaConfig, layerIdx: number, w: Weights) {
    super();
    this.self_attn = new LlamaAttention(config, layerIdx, w.pp('self_attn'));
    this.mlp = new GatedMLP(config.hiddenSize, config.intermediateSize, activation(config.hiddenAct, 'LlamaMLP'),
      { bias: config.mlpBias, init: normalInit(config.initializerRange) }, w.pp('mlp'));
    this.input_layernorm = new RMSNorm(config.hiddenSize, config.rmsNormEps, w.pp('input_layernorm'));
    this.post_attention_layernorm = new RMSNorm(config.hiddenSize, config.rmsNormEps, w.pp('post_attention_layernorm'));
  }

  forward(h: Tensor, cos: Tensor, sin: Tensor, mask: Tensor | undefined, cache?: KVCache): Tensor {
    const a = add(h, this.self_attn.forward(this.input_layernorm.forward(h), cos, sin, mask, cache));
    return add(a, this.mlp.forward(this.post_attention_layernorm.forward(a)));
  }
}

const IGNORE = [/\.rotary_emb\.inv_freq$/];

export class LlamaModel extends PreTrainedModel<LlamaConfig> {
  embed_tokens: Embedding;
  layers: LlamaDecoderLayer[];
  norm: RMSNorm;
  private readonly rotary: RotaryEmbedding;

  constructor(config: LlamaConfig = new LlamaConfig(), w = new Weights()) {
    super(config);
    this.embed_tokens = new Embedding(config.vocabSize, config.hiddenSize, normalInit(config.initializerRange), w.pp('embed_tokens'));
    this.layers = Array.from({ length: config.numHiddenLayers }, (_, i) => new LlamaDecoderLayer(config, i, w.pp(`layers.${i}`)));
    this.norm = new RMSNorm(config.hiddenSize, config.rmsNormEps, w.pp('norm'));
    this.rotary = new RotaryEmbedding(config.headDim, config.ropeTheta);
  }

  get className(): string { return 'LlamaModel'; }

  static async fromPretrained(dir: string, opts: FromPretrainedOptions = {}): Promise<LlamaModel> {
    return loadPretrained(dir, opts, {
      where: 'LlamaModel.fromPretrained', readConfig: (d) => new LlamaConfig(d), build: (c, w) => new LlamaModel(c, w),
      basePrefix: 'model', ignoreUnexpected: [...IGNORE, /^lm_head\.weight$/],
    });
  }

  newCache(opts: NewCacheOptions): KVCache {
    const c = this.config;
    return new KVCache({ numLayers: c.numHiddenLayers, numKvHeads: c.numKeyValueHeads, headDim: c.headDim }, { dtype: this.embed_tokens.weight.dtype, backend: this.embed_tokens.weight.backend, ...opts });
  }

  forward(inputs: DecoderInputs): { lastHiddenState: Tensor } {
    const { inputIds, attentionMask, cache } = checkInputs('LlamaModel.forward', inputs);
    const [B, T] = inputIds.shape as [number, number];
    const past = cache?.length ?? 0;
    cache?.checkStep(B, T, 'LlamaModel.forward');
    const positionIds = inputs.positionIds ?? (attentionMask ? positionsFromMask(attentionMask, T) : positionsRange(B, T, past, inputIds.backend));
    const [cos, sin] = this.rotary.cosSin(positionIds);
    const mask = attentionMask ? paddingMask(attentionMask) : undefined;
    let h = this.embed_tokens.forward(inputIds);
    for (const layer of this.layers) h = layer.forward(h, cos, sin, mask, cache);
    cache?.advance(T);
    return { lastHiddenState: this.norm.forward(h) };
  }
}

export class LlamaForCausalLM extends PreTrainedModel<LlamaConfig> {
  model: LlamaModel;
  lm_head?: Linear;

  constructor(config: LlamaConfig = new LlamaConfig(), w = new Weights()) {
    super(config);
    this.model = new LlamaModel(config, w.pp('model'));
    if (!config.tieWordEmbeddings) {
      this.lm_head = new Linear(config.hiddenSize, config.vocabSize, { bias: false, weightInit: normalInit(config.initializerRange) }, w.pp('lm_head'));
    }
  }

  get className(): string { return 'LlamaForCausalLM'; }

  static async fromPretrained(dir: string, opts: FromPretrainedOptions = {}): Promise<LlamaForCausalLM> {
    return loadPretrained(dir, opts, {
      where: 'LlamaForCausalLM.fromPretrained', readConfig: (d) => new LlamaConfig(d), build: (c, w) => new LlamaForCausalLM(c, w),
      basePrefix: 'model', ignoreUnexpected: IGNORE,
    });
  }

  newCache(opts: NewCacheOptions): KVCache { return this.model.newCache(opts); }

  forward(inputs: DecoderInputs): CausalLMOutput {
    const { lastHiddenState } = this.model.forward(inputs);
    const logits = this.lm_head ? this.lm_head.forward(lastHiddenState) : matmul(lastHiddenState, transpose(this.model.embed_tokens.weight, 0, 1));
    return { logits, lastHiddenState, ...(inputs.labels ? { loss: shiftedLoss(logits, inputs.labels) } : {}) };
  }
}

registerFamily('llama', { config: (d) => new LlamaConfig(d), classes: { LlamaModel, LlamaForCausalLM }, causalLM: 'LlamaForCausalLM', base: 'LlamaModel' });
