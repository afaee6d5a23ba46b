/**
 * LLaMA (HF `LlamaModel`, `LlamaForCausalLM`): pre-RMSNorm blocks, rotary positions (rotate-half,
 * rope_theta), grouped-query attention (num_key_value_heads), SwiGLU MLP, tied or untied head.
 */
import type { KVCache, NewCacheOptions } from '../cache.js';
import { ConfigError } from '../errors.js';
import { normalInit } from '../init.js';
import { ConfigReader, type ConfigDict } from '../io/config.js';
import { PreTrainedModel, type PretrainedConfig } from '../io/pretrained.js';
import type { Embedding } from '../layers/embedding.js';
import { Linear } from '../layers/linear.js';
import type { RMSNorm } from '../layers/norm.js';
import { weightsFor, type Weights, type WeightsOptions } from '../weights.js';
import { registerFamily } from '../auto.js';
import type { CausalLMOutput, DecoderInputs } from './common.js';
import { causalLMHead, DecoderModel, type DecoderLayer, type DecoderLayout } from './decoder.js';

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
    r.finish(['pretraining_tp']); // HF LlamaConfig: tensor-parallel slicing of the original weights, no effect on the maths
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
