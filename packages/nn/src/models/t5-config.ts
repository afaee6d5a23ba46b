/**
 * HF's T5Config (t5-small's defaults), described once as a field table: reading, checks, the
 * camelCase properties and `toDict` derive from it.
 */
import { ConfigError } from '../errors.js';
import type { ConfigDict } from '../io/config.js';
import {
  bool, configFields, derived, ignored, int, num, oneOf, optInt, readFields, writeFields, type ConfigSchema,
} from '../io/config-schema.js';

export type T5FeedForwardProj = 'relu' | 'gated-gelu' | 'gated-relu' | 'gelu';

/** HF `T5Config` field names (config.json). */
export interface T5ConfigDict {
  vocab_size: number;
  d_model: number;
  d_kv: number;
  d_ff: number;
  num_layers: number;
  num_decoder_layers: number;
  num_heads: number;
  relative_attention_num_buckets: number;
  relative_attention_max_distance: number;
  dropout_rate: number;
  layer_norm_epsilon: number;
  initializer_factor: number;
  feed_forward_proj: T5FeedForwardProj;
  tie_word_embeddings: boolean;
  is_encoder_decoder: boolean;
  use_cache: boolean;
  pad_token_id: number;
  eos_token_id: number;
  decoder_start_token_id: number;
  model_type: 't5';
  architectures?: string[];
  [extra: string]: unknown;
}

export const T5_FIELDS = {
  vocab_size: int(32128), d_model: int(512), d_kv: int(64), d_ff: int(2048), num_layers: int(6),
  num_decoder_layers: optInt(1, true), num_heads: int(8),
  relative_attention_num_buckets: int(32, 4), relative_attention_max_distance: int(128),
  dropout_rate: num(0.1, 0, 0.999999), layer_norm_epsilon: num(1e-6, Number.MIN_VALUE), initializer_factor: num(1, Number.MIN_VALUE),
  feed_forward_proj: oneOf('relu', ['relu', 'gelu', 'gated-relu', 'gated-gelu']),
  tie_word_embeddings: bool(true), is_encoder_decoder: bool(true), use_cache: bool(true),
  pad_token_id: int(0, 0), eos_token_id: int(1, 0), decoder_start_token_id: int(0, 0),
  // derived from feed_forward_proj (written back), or without effect here
  dense_act_fn: derived, is_gated_act: derived, n_positions: ignored, output_past: ignored, gradient_checkpointing: ignored,
} satisfies ConfigSchema;

export class T5Config extends configFields(T5_FIELDS) {
  readonly modelType = 't5';
  /** HF `dense_act_fn`: 'relu', 'gelu' (erf) or 'gelu_new' (tanh; what 'gated-gelu' uses) */
  readonly denseActFn: 'relu' | 'gelu' | 'gelu_new';
  readonly isGatedAct: boolean;
  declare private readonly raw: ConfigDict;

  /** From HF `config.json` fields (snake_case); missing fields take HF's defaults. */
  constructor(fields: Partial<T5ConfigDict> = {}) {
    super();
    readFields(this, T5_FIELDS, fields as ConfigDict, 'T5Config', 't5');
    Object.defineProperty(this, 'raw', { value: { ...fields }, enumerable: false });
    (this as { numDecoderLayers: number }).numDecoderLayers ??= this.numLayers;
    for (const k of ['pad_token_id', 'eos_token_id', 'decoder_start_token_id'] as const) {
      const v = (fields as ConfigDict)[k] ?? T5_FIELDS[k].default;
      if ((v as number) >= this.vocabSize) throw new ConfigError(`T5Config: config field '${k}' must be an integer in [0, vocab_size ${this.vocabSize}), got ${JSON.stringify(v)}`);
    }
    if (this.relativeAttentionMaxDistance <= this.relativeAttentionNumBuckets / 2) {
      throw new ConfigError(`T5Config: config field 'relative_attention_max_distance' must exceed relative_attention_num_buckets / 2 (${this.relativeAttentionNumBuckets / 2}), got ${this.relativeAttentionMaxDistance}`);
    }
    const gated = this.feedForwardProj.startsWith('gated-');
    // As transformers: "gated-gelu" means gelu_new (tanh form); a plain "gelu" stays the exact one.
    this.denseActFn = this.feedForwardProj.endsWith('relu') ? 'relu' : gated ? 'gelu_new' : 'gelu';
    this.isGatedAct = gated;
  }

  /** The config.json object as HF's file (every field, the derived dense_act_fn / is_gated_act too). */
  get dict(): T5ConfigDict { return this.toDict(); }

  /** The config.json object (HF names), with `architectures` when given. */
  toDict(architectures?: string[]): T5ConfigDict {
    const d = writeFields(this, T5_FIELDS, this.raw, 't5');
    return { ...d, dense_act_fn: this.denseActFn, is_gated_act: this.isGatedAct, ...(architectures ? { architectures } : {}) } as unknown as T5ConfigDict;
  }

  /** generation_config.json as transformers writes it for T5. */
  generationConfig(): Record<string, unknown> {
    return { _from_model_config: true, decoder_start_token_id: this.decoderStartTokenId, eos_token_id: this.eosTokenId, pad_token_id: this.padTokenId };
  }
}
