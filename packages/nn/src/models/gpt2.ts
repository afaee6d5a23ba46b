/**
 * GPT-2 (HF `GPT2Model`, `GPT2LMHeadModel`): pre-LN blocks, learned absolute positions, Conv1D
 * weights [in, out], fused c_attn (q | k | v), gelu_new MLP, the LM head tied to `wte`. Field names
 * are the checkpoint's keys (`transformer.h.0.attn.c_attn.weight`).
 */
import type { KVCache, NewCacheOptions } from '../cache.js';
import { ConfigError } from '../errors.js';
import { gpt2ResidualInit } from '../init.js';
import { ConfigReader, type ConfigDict } from '../io/config.js';
import { PreTrainedModel, type PretrainedConfig } from '../io/pretrained.js';
import type { Dropout } from '../layers/dropout.js';
import type { Embedding } from '../layers/embedding.js';
import type { LayerNorm } from '../layers/norm.js';
import { weightsFor, type Weights, type WeightsOptions } from '../weights.js';
import { registerFamily } from '../auto.js';
import type { CausalLMOutput, DecoderInputs } from './common.js';
import { causalLMHead, DecoderModel, type DecoderLayer, type DecoderLayout } from './decoder.js';

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
    // HF GPT2Config fields for heads and options this implementation has no use for
    r.finish(['n_ctx', 'summary_type', 'summary_use_proj', 'summary_activation', 'summary_proj_to_labels', 'summary_first_dropout', 'reorder_and_upcast_attn']);
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

/** GPT-2 on the shared decoder: Conv1D projections, fused c_attn, learned positions, dropouts as modules. */
export function gpt2Layout(c: GPT2Config): DecoderLayout {
  const headDim = c.nEmbd / c.nHead;
  return {
    name: 'GPT2Model', vocabSize: c.vocabSize, hidden: c.nEmbd, layers: c.nLayer, heads: c.nHead, kvHeads: c.nHead, headDim,
    intermediate: c.nInner, norm: 'layer', normEps: c.layerNormEpsilon,
    attention: {
      qkv: { fused: 'c_attn' }, out: 'c_proj', qkvBias: true, outBias: true, conv1d: true,
      scale: (i) => (c.scaleAttnWeights ? 1 / Math.sqrt(headDim) : 1) / (c.scaleAttnByInverseLayerIdx ? i + 1 : 1),
      dropout: c.attnPdrop, dropoutName: 'attn_dropout', residDropout: { name: 'resid_dropout', p: c.residPdrop },
    },
    mlp: { kind: 'plain', fc: 'c_fc', proj: 'c_proj', act: c.activationFunction, bias: true, conv1d: true, dropout: { name: 'dropout', p: c.residPdrop } },
    learnedPositions: { name: 'wpe', size: c.nPositions },
    embedDropout: { name: 'drop', p: c.embdPdrop },
    names: { embed: 'wte', layers: 'h', finalNorm: 'ln_f', norm1: 'ln_1', attn: 'attn', norm2: 'ln_2', mlp: 'mlp' },
    layerOrder: ['norm1', 'attn', 'norm2', 'mlp'],
    initRange: c.initializerRange, residualInit: gpt2ResidualInit(c.initializerRange, c.nLayer),
  };
}

const IGNORE = [/\.attn\.(masked_)?bias$/, /^lm_head\.weight$/];

/** A GPT2Config, or the config.json dict to build one from. */
const gpt2Config = (c: GPT2Config | ConfigDict) => (c instanceof GPT2Config ? c : new GPT2Config(c));

export class GPT2Model extends DecoderModel<GPT2Config> {
  static override readonly configFromDict = (d: ConfigDict) => new GPT2Config(d);
  static override readonly basePrefix = 'transformer';
  static override readonly ignoreOnLoad = IGNORE;
  declare wte: Embedding;
  declare wpe: Embedding;
  declare drop: Dropout;
  declare h: DecoderLayer[];
  declare ln_f: LayerNorm;

  constructor(config: GPT2Config | ConfigDict = new GPT2Config(), weights: Weights | WeightsOptions = {}) {
    const c = gpt2Config(config);
    super(c, gpt2Layout(c), weightsFor(weights));
  }

  get className(): string { return 'GPT2Model'; }
}

export class GPT2LMHeadModel extends PreTrainedModel<GPT2Config> {
  static override readonly configFromDict = (d: ConfigDict) => new GPT2Config(d);
  static override readonly basePrefix = 'transformer';
  static override readonly ignoreOnLoad = IGNORE;
  transformer: GPT2Model;

  constructor(config: GPT2Config | ConfigDict = new GPT2Config(), weights: Weights | WeightsOptions = {}) {
    const c = gpt2Config(config);
    super(c);
    this.transformer = new GPT2Model(c, weightsFor(weights).pp('transformer'));
  }

  get className(): string { return 'GPT2LMHeadModel'; }

  newCache(opts: NewCacheOptions): KVCache { return this.transformer.newCache(opts); }

  /** logits [B, T, vocab] (head tied to wte); with `labels`, the shifted next-token loss. */
  forward(inputs: DecoderInputs): CausalLMOutput {
    return causalLMHead(this.transformer, undefined, inputs);
  }
}

registerFamily('gpt2', { config: (d) => new GPT2Config(d), classes: { GPT2Model, GPT2LMHeadModel }, causalLM: 'GPT2LMHeadModel', base: 'GPT2Model' });
