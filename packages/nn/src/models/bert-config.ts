/**
 * HF's BertConfig, its plain fields described once as a table (reading, checks, properties and
 * toDict derive from it); the classification fields (labels, problem_type) read by hand.
 */
import { ConfigError } from '../errors.js';
import type { ConfigDict } from '../io/config.js';
import type { PretrainedConfig } from '../io/pretrained.js';
import {
  configFields, derived, int, num, oneOf, optInt, readFields, unsupported, writeFields, type ConfigSchema,
} from '../io/config-schema.js';

export const BERT_FIELDS = {
  vocab_size: int(30522), hidden_size: int(768), num_hidden_layers: int(12), num_attention_heads: int(12),
  intermediate_size: int(3072),
  hidden_act: oneOf('gelu', ['gelu', 'relu', 'silu', 'swish', 'gelu_new', 'gelu_pytorch_tanh', 'tanh', 'sigmoid', 'quick_gelu']),
  hidden_dropout_prob: num(0.1, 0, 0.999999), attention_probs_dropout_prob: num(0.1, 0, 0.999999),
  max_position_embeddings: int(512), type_vocab_size: int(2), initializer_range: num(0.02, 0),
  layer_norm_eps: num(1e-12, Number.MIN_VALUE), position_embedding_type: oneOf('absolute', ['absolute']),
  // read below: optional or coupled fields
  pad_token_id: optInt(0), classifier_dropout: derived, id2label: derived, label2id: derived, num_labels: derived,
  problem_type: derived, is_decoder: unsupported('BERT as a decoder'), add_cross_attention: unsupported('cross-attention'),
} satisfies ConfigSchema;

/** HF BertConfig (config.json names; defaults as transformers'). */
export class BertConfig extends configFields(BERT_FIELDS) implements PretrainedConfig {
  readonly modelType = 'bert';
  readonly classifierDropout: number | null;
  readonly numLabels: number;
  readonly problemType: 'regression' | 'single_label_classification' | null;
  /** The dict it was read from (unknown fields kept for savePretrained). */
  declare readonly dict: ConfigDict;

  constructor(dict: ConfigDict = {}) {
    // HF writes is_decoder / add_cross_attention false in every config.json: only true is refused
    const given = { ...dict };
    for (const k of ['is_decoder', 'add_cross_attention']) if (given[k] === false) delete given[k];
    super();
    readFields(this, BERT_FIELDS, given, 'BertConfig', 'bert');
    Object.defineProperty(this, 'dict', { value: { ...dict }, enumerable: false });
    const num01 = (k: string) => {
      const v = dict[k];
      if (v == null) return null;
      if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ConfigError(`BertConfig: config field '${k}' must be a number in [0, 1) or null, got ${JSON.stringify(v)}`);
      return v;
    };
    this.classifierDropout = num01('classifier_dropout');
    if (this.hiddenSize % this.numAttentionHeads !== 0) {
      throw new ConfigError(`BertConfig: hidden_size ${this.hiddenSize} must be a multiple of num_attention_heads ${this.numAttentionHeads}`);
    }
    if (this.padTokenId !== undefined && this.padTokenId >= this.vocabSize) {
      throw new ConfigError(`BertConfig: config field 'pad_token_id' ${this.padTokenId} must be below vocab_size ${this.vocabSize}`);
    }
    // HF derives num_labels from id2label (written by every save); num_labels may be given instead.
    const id2label = dict.id2label;
    if (id2label !== undefined && (typeof id2label !== 'object' || id2label === null || Array.isArray(id2label) || !Object.keys(id2label).length)) {
      throw new ConfigError(`BertConfig: config field 'id2label' must be a non-empty object of id -> label, got ${JSON.stringify(id2label)}`);
    }
    const n = dict.num_labels;
    if (n !== undefined && !(typeof n === 'number' && Number.isInteger(n) && n >= 1)) throw new ConfigError(`BertConfig: config field 'num_labels' must be an integer ≥ 1, got ${JSON.stringify(n)}`);
    // An explicit num_labels wins over a saved id2label of another size (HF: from_pretrained(num_labels=3)).
    this.numLabels = n !== undefined ? n : id2label ? Object.keys(id2label).length : 2;
    const pt = dict.problem_type ?? null;
    if (pt !== null && pt !== 'regression' && pt !== 'single_label_classification') {
      throw new ConfigError(`BertConfig: config field 'problem_type' ${JSON.stringify(pt)} is not supported (use "single_label_classification", "regression" or null)`);
    }
    this.problemType = pt;
  }

  /** pad_token_id, or null when the config has none. */
  get padToken(): number | null { return this.padTokenId ?? null; }

  get headDim(): number { return this.hiddenSize / this.numAttentionHeads; }

  toDict(): ConfigDict {
    const labels = Object.fromEntries(Array.from({ length: this.numLabels }, (_, i) => [String(i), `LABEL_${i}`]));
    // the saved names, unless num_labels was overridden to another count
    const savedLabels = !!this.dict.id2label && Object.keys(this.dict.id2label as object).length === this.numLabels;
    const { num_labels: _drop, ...rest } = writeFields(this, BERT_FIELDS, this.dict, 'bert');
    return {
      ...rest,
      is_decoder: this.dict.is_decoder ?? false, add_cross_attention: this.dict.add_cross_attention ?? false,
      classifier_dropout: this.classifierDropout,
      id2label: savedLabels ? this.dict.id2label : labels,
      label2id: savedLabels && this.dict.label2id ? this.dict.label2id : Object.fromEntries(Object.entries(labels).map(([k, v]) => [v, Number(k)])),
      pad_token_id: this.padToken,
      ...(this.problemType !== null ? { problem_type: this.problemType } : {}),
    };
  }

  generationConfig(): ConfigDict | null { return null; }
}
