/**
 * GPT-2 (HF `GPT2Model`, `GPT2LMHeadModel`): pre-LN blocks, learned absolute positions, Conv1D
 * weights [in, out], fused c_attn (q | k | v), gelu_new MLP, the LM head tied to `wte`. Field names
 * are the checkpoint's keys (`transformer.h.0.attn.c_attn.weight`).
 */
import type { KVCache, NewCacheOptions } from '../cache.js';
import { ConfigError } from '../errors.js';
import { gpt2ResidualInit } from '../init.js';
import type { ConfigDict } from '../io/config.js';
import {
  bool, configFields, ignored, int, num, oneOf, optInt, readFields, tokenIds, writeFields, type ConfigSchema,
} from '../io/config-schema.js';
import { PreTrainedModel, type PretrainedConfig } from '../io/pretrained.js';
import type { Dropout } from '../layers/dropout.js';
import type { Embedding } from '../layers/embedding.js';
import type { LayerNorm } from '../layers/norm.js';
import { weightsFor, type Weights, type WeightsOptions } from '../weights.js';
import { registerFamily } from '../auto.js';
import type { CausalLMOutput, DecoderInputs } from './common.js';
import { causalLMHead, DecoderModel, type DecoderLayer, type DecoderLayout } from './decoder.js';

/** GPT2Config's config.json fields (HF names, defaults and ranges), each described once. */
export const GPT2_FIELDS = {
  vocab_size: int(50257), n_positions: int(1024), n_embd: int(768), n_layer: int(12), n_head: int(12), n_inner: optInt(1),
  activation_function: oneOf('gelu_new', ['gelu_new', 'gelu', 'relu', 'silu', 'gelu_pytorch_tanh', 'quick_gelu', 'tanh', 'sigmoid', 'swish']),
  resid_pdrop: num(0.1, 0, 0.999), embd_pdrop: num(0.1, 0, 0.999), attn_pdrop: num(0.1, 0, 0.999),
  layer_norm_epsilon: num(1e-5, 0), initializer_range: num(0.02, 0),
  scale_attn_weights: bool(true), scale_attn_by_inverse_layer_idx: bool(false), tie_word_embeddings: bool(true),
  bos_token_id: tokenIds(50256), eos_token_id: tokenIds(50256), pad_token_id: tokenIds(null),
  // HF GPT2Config fields for heads and options this implementation has no use for
  n_ctx: ignored, summary_type: ignored, summary_use_proj: ignored, summary_activation: ignored,
  summary_proj_to_labels: ignored, summary_first_dropout: ignored, reorder_and_upcast_attn: ignored,
} satisfies ConfigSchema;

export class GPT2Config extends configFields(GPT2_FIELDS) implements PretrainedConfig {
  readonly modelType = 'gpt2';
  declare private readonly raw: ConfigDict;

  /** From config.json's dict (HF names; absent fields take HF's defaults). */
  constructor(dict: ConfigDict = {}) {
    super();
    readFields(this, GPT2_FIELDS, dict, 'GPT2Config', 'gpt2');
    Object.defineProperty(this, 'raw', { value: { ...dict }, enumerable: false });
    if (this.nEmbd % this.nHead) throw new ConfigError(`GPT2Config: n_embd ${this.nEmbd} is not a multiple of n_head ${this.nHead}`);
    (this as { nInner: number }).nInner ??= 4 * this.nEmbd;
    if (!this.tieWordEmbeddings) throw new ConfigError('GPT2Config: tie_word_embeddings false is not supported (GPT-2 ties its LM head to wte)');
  }

  /** camelCase construction for code: `GPT2Config.from({ nLayer: 4, nHead: 4, nEmbd: 128, ... })`. */
  static from(o: Partial<Record<'vocabSize' | 'nPositions' | 'nEmbd' | 'nLayer' | 'nHead' | 'nInner', number>> & {
    activationFunction?: string; residPdrop?: number; embdPdrop?: number; attnPdrop?: number; layerNormEpsilon?: number; initializerRange?: number;
  }): GPT2Config {
    const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    return new GPT2Config(Object.fromEntries(Object.entries(o).map(([k, v]) => [snake(k), v])));
  }

  toDict(): ConfigDict {
    const d = writeFields(this, GPT2_FIELDS, this.raw, 'gpt2');
    if (this.padTokenId === null && this.raw.pad_token_id === undefined) delete d.pad_token_id; // as HF's file: absent, not null
    return d;
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
