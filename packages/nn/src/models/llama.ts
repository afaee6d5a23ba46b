/**
 * LLaMA (HF `LlamaModel`, `LlamaForCausalLM`): pre-RMSNorm blocks, rotary positions (rotate-half,
 * rope_theta), grouped-query attention (num_key_value_heads), SwiGLU MLP, tied or untied head.
 */
import type { KVCache, NewCacheOptions } from '../cache.js';
import { ConfigError } from '../errors.js';
import { normalInit } from '../init.js';
import type { ConfigDict } from '../io/config.js';
import {
  bool, configFields, ignored, int, num, oneOf, optInt, readFields, tokenIds, unsupported, writeFields, type ConfigSchema,
} from '../io/config-schema.js';
import { PreTrainedModel, type PretrainedConfig } from '../io/pretrained.js';
import type { Embedding } from '../layers/embedding.js';
import { Linear } from '../layers/linear.js';
import type { RMSNorm } from '../layers/norm.js';
import { weightsFor, type Weights, type WeightsOptions } from '../weights.js';
import { registerFamily } from '../auto.js';
import type { CausalLMOutput, DecoderInputs } from './common.js';
import { causalLMHead, DecoderModel, type DecoderLayer, type DecoderLayout } from './decoder.js';

/** LlamaConfig's config.json fields (HF names, defaults and ranges), each described once. */
export const LLAMA_FIELDS = {
  vocab_size: int(32000), hidden_size: int(4096), intermediate_size: int(11008), num_hidden_layers: int(32),
  num_attention_heads: int(32), num_key_value_heads: optInt(1, true), head_dim: optInt(1, true),
  hidden_act: oneOf('silu', ['silu', 'gelu', 'gelu_new', 'relu', 'gelu_pytorch_tanh']),
  max_position_embeddings: int(2048), rms_norm_eps: num(1e-6, 0), rope_theta: num(10000, 1),
  rope_scaling: unsupported('RoPE scaling'), attention_bias: bool(false), mlp_bias: bool(false),
  attention_dropout: num(0, 0, 0.999), tie_word_embeddings: bool(false), initializer_range: num(0.02, 0),
  bos_token_id: tokenIds(1), eos_token_id: tokenIds(2), pad_token_id: tokenIds(null),
  pretraining_tp: ignored, // tensor-parallel slicing of the original weights: no effect on the maths
} satisfies ConfigSchema;

export class LlamaConfig extends configFields(LLAMA_FIELDS) implements PretrainedConfig {
  readonly modelType = 'llama';
  declare private readonly raw: ConfigDict;

  constructor(dict: ConfigDict = {}) {
    super();
    readFields(this, LLAMA_FIELDS, dict, 'LlamaConfig', 'llama');
    Object.defineProperty(this, 'raw', { value: { ...dict }, enumerable: false });
    const self = this as { numKeyValueHeads: number; headDim: number };
    self.numKeyValueHeads ??= this.numAttentionHeads;
    if (this.numAttentionHeads % this.numKeyValueHeads) {
      throw new ConfigError(`LlamaConfig: num_attention_heads ${this.numAttentionHeads} is not a multiple of num_key_value_heads ${this.numKeyValueHeads}`);
    }
    self.headDim ??= this.hiddenSize / this.numAttentionHeads;
    if (!Number.isInteger(this.headDim) || this.headDim % 2) throw new ConfigError(`LlamaConfig: head_dim ${this.headDim} must be an even integer`);
  }

  toDict(): ConfigDict {
    return writeFields(this, LLAMA_FIELDS, this.raw, 'llama');
  }

  generationConfig(): ConfigDict {
    return { _from_model_config: true, bos_token_id: this.bosTokenId, eos_token_id: this.eosTokenId, ...(this.padTokenId !== null ? { pad_token_id: this.padTokenId } : {}) };
  }
}

/** LLaMA on the shared decoder: split q/k/v/o, GQA, rotary, SwiGLU, RMSNorm. */
export function llamaLayout(c: LlamaConfig): DecoderLayout {
  return {
    name: 'LlamaModel', vocabSize: c.vocabSize, hidden: c.hiddenSize, layers: c.numHiddenLayers, heads: c.numAttentionHeads,
    kvHeads: c.numKeyValueHeads, headDim: c.headDim, intermediate: c.intermediateSize, norm: 'rms', normEps: c.rmsNormEps,
    attention: {
      qkv: { q: 'q_proj', k: 'k_proj', v: 'v_proj' }, out: 'o_proj', qkvBias: c.attentionBias, outBias: c.attentionBias,
      dropout: c.attentionDropout,
    },
    mlp: { kind: 'gated', act: c.hiddenAct, bias: c.mlpBias },
    rotary: { theta: c.ropeTheta, dim: c.headDim },
    names: {
      embed: 'embed_tokens', layers: 'layers', finalNorm: 'norm', attn: 'self_attn', mlp: 'mlp',
      norm1: 'input_layernorm', norm2: 'post_attention_layernorm',
    },
    layerOrder: ['attn', 'mlp', 'norm1', 'norm2'],
    initRange: c.initializerRange,
  };
}

const IGNORE = [/\.rotary_emb\.inv_freq$/];

/** A LlamaConfig, or the config.json dict to build one from. */
const llamaConfig = (c: LlamaConfig | ConfigDict) => (c instanceof LlamaConfig ? c : new LlamaConfig(c));

export class LlamaModel extends DecoderModel<LlamaConfig> {
  static override readonly configFromDict = (d: ConfigDict) => new LlamaConfig(d);
  static override readonly basePrefix = 'model';
  static override readonly ignoreOnLoad = [...IGNORE, /^lm_head\.weight$/];
  declare embed_tokens: Embedding;
  declare layers: DecoderLayer[];
  declare norm: RMSNorm;

  constructor(config: LlamaConfig | ConfigDict = new LlamaConfig(), weights: Weights | WeightsOptions = {}) {
    const c = llamaConfig(config);
    super(c, llamaLayout(c), weightsFor(weights));
  }

  get className(): string { return 'LlamaModel'; }
}

export class LlamaForCausalLM extends PreTrainedModel<LlamaConfig> {
  static override readonly configFromDict = (d: ConfigDict) => new LlamaConfig(d);
  static override readonly basePrefix = 'model';
  static override readonly ignoreOnLoad = IGNORE;
  model: LlamaModel;
  lm_head?: Linear;

  constructor(config: LlamaConfig | ConfigDict = new LlamaConfig(), weights: Weights | WeightsOptions = {}) {
    const c = llamaConfig(config);
    super(c);
    const w = weightsFor(weights);
    this.model = new LlamaModel(c, w.pp('model'));
    if (!c.tieWordEmbeddings) {
      this.lm_head = new Linear(c.hiddenSize, c.vocabSize, { bias: false, weightInit: normalInit(c.initializerRange) }, w.pp('lm_head'));
    }
  }

  get className(): string { return 'LlamaForCausalLM'; }

  newCache(opts: NewCacheOptions): KVCache { return this.model.newCache(opts); }

  forward(inputs: DecoderInputs): CausalLMOutput {
    return causalLMHead(this.model, this.lm_head, inputs);
  }
}

registerFamily('llama', { config: (d) => new LlamaConfig(d), classes: { LlamaModel, LlamaForCausalLM }, causalLM: 'LlamaForCausalLM', base: 'LlamaModel' });
