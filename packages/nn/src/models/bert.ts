/**
 * BERT (encoder-only, post-LN) as HF's modeling_bert: BertModel (embeddings with word / position /
 * token-type tables, encoder, tanh pooler), BertForMaskedLM (cls.predictions head tied to the word
 * embeddings), BertForSequenceClassification (pooled output -> dropout -> classifier). Field names
 * are HF's module names, so parameter names are the checkpoint's keys.
 */
import {
  add, arange, matmul, tanh, transpose, zeros, tensor, type Tensor,
} from '@tessera/core';
import { attend, mergeHeads, paddingMask, splitHeads } from '../attention.js';
import { registerFamily } from '../auto.js';
import { NnError } from '../errors.js';
import { normalInit, zerosInit, type Init } from '../init.js';
import type { ConfigDict } from '../io/config.js';
import { PreTrainedModel } from '../io/pretrained.js';
import { BertConfig } from './bert-config.js';
import { activation, type Activation } from '../layers/activations.js';
import { Dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import { Linear } from '../layers/linear.js';
import { LayerNorm } from '../layers/norm.js';
import { Module } from '../module.js';
import { weightsFor, type Weights, type WeightsOptions } from '../weights.js';
import { checkBinaryMask, checkTokenIds } from './common.js';
import { sequenceClassificationLoss, tokenLoss } from './losses.js';

export { BertConfig, BERT_FIELDS } from './bert-config.js';

/** N(0, initializer_range) with the padding row zeroed (HF's _init_weights for nn.Embedding). */
const embeddingInit = (std: number, pad: number | null): Init => (shape, backend) => {
  const w = normalInit(std)(shape, backend);
  if (pad === null) return w;
  const rows = new Float32Array(shape[0]!).fill(1);
  rows[pad] = 0;
  const m = tensor(rows, { shape: [shape[0]!, 1], backend });
  const y = w.mul(m);
  w.dispose();
  m.dispose();
  return y;
};

const linear = (c: BertConfig, i: number, o: number, w: Weights) =>
  new Linear(i, o, { weightInit: normalInit(c.initializerRange), biasInit: zerosInit }, w);

export class BertEmbeddings extends Module {
  word_embeddings: Embedding;
  position_embeddings: Embedding;
  token_type_embeddings: Embedding;
  LayerNorm: LayerNorm;
  dropout: Dropout;
  constructor(readonly c: BertConfig, w: Weights) {
    super();
    const std = c.initializerRange;
    this.word_embeddings = new Embedding(c.vocabSize, c.hiddenSize, embeddingInit(std, c.padToken), w.pp('word_embeddings'));
    this.position_embeddings = new Embedding(c.maxPositionEmbeddings, c.hiddenSize, normalInit(std), w.pp('position_embeddings'));
    this.token_type_embeddings = new Embedding(c.typeVocabSize, c.hiddenSize, normalInit(std), w.pp('token_type_embeddings'));
    this.LayerNorm = new LayerNorm(c.hiddenSize, c.layerNormEps, w.pp('LayerNorm'));
    this.dropout = new Dropout(c.hiddenDropoutProb);
  }

  /** Positions default to 0..T-1 and token types to 0, built on the device (no host reads). */
  forward(inputIds: Tensor, tokenTypeIds?: Tensor, positionIds?: Tensor): Tensor {
    const [B, T] = inputIds.shape as [number, number];
    const pos = positionIds ?? arange(0, T, 1, { backend: inputIds.backend }).reshape([1, T]);
    const types = tokenTypeIds ?? zeros([B, T], { dtype: 'int32', backend: inputIds.backend });
    const e = add(add(this.word_embeddings.forward(inputIds), this.token_type_embeddings.forward(types)), this.position_embeddings.forward(pos));
    return this.dropout.forward(this.LayerNorm.forward(e));
  }
}

export class BertSelfAttention extends Module {
  query: Linear;
  key: Linear;
  value: Linear;
  constructor(readonly c: BertConfig, w: Weights) {
    super();
    const h = c.hiddenSize;
    this.query = linear(c, h, h, w.pp('query'));
    this.key = linear(c, h, h, w.pp('key'));
    this.value = linear(c, h, h, w.pp('value'));
  }

  forward(x: Tensor, mask?: Tensor): Tensor {
    const H = this.c.numAttentionHeads;
    const ctx = attend(splitHeads(this.query.forward(x), H), splitHeads(this.key.forward(x), H), splitHeads(this.value.forward(x), H), {
      mask, scale: 1 / Math.sqrt(this.c.headDim), dropoutP: this.training ? this.c.attentionProbsDropoutProb : 0,
    });
    return mergeHeads(ctx);
  }
}

/** dense -> dropout -> LayerNorm(x + residual): BertSelfOutput and BertModelOutput. */
export class BertResidualOutput extends Module {
  dense: Linear;
  LayerNorm: LayerNorm;
  dropout: Dropout;
  constructor(c: BertConfig, inFeatures: number, w: Weights) {
    super();
    this.dense = linear(c, inFeatures, c.hiddenSize, w.pp('dense'));
    this.LayerNorm = new LayerNorm(c.hiddenSize, c.layerNormEps, w.pp('LayerNorm'));
    this.dropout = new Dropout(c.hiddenDropoutProb);
  }

  forward(x: Tensor, residual: Tensor): Tensor {
    return this.LayerNorm.forward(add(this.dropout.forward(this.dense.forward(x)), residual));
  }
}

export class BertAttention extends Module {
  self: BertSelfAttention;
  output: BertResidualOutput;
  constructor(c: BertConfig, w: Weights) {
    super();
    this.self = new BertSelfAttention(c, w.pp('self'));
    this.output = new BertResidualOutput(c, c.hiddenSize, w.pp('output'));
  }

  forward(x: Tensor, mask?: Tensor): Tensor {
    return this.output.forward(this.self.forward(x, mask), x);
  }
}

export class BertIntermediate extends Module {
  dense: Linear;
  private readonly act: Activation;
  constructor(c: BertConfig, w: Weights) {
    super();
    this.dense = linear(c, c.hiddenSize, c.intermediateSize, w.pp('dense'));
    this.act = activation(c.hiddenAct, 'BertIntermediate');
  }

  forward(x: Tensor): Tensor { return this.act(this.dense.forward(x)); }
}

export class BertLayer extends Module {
  attention: BertAttention;
  intermediate: BertIntermediate;
  output: BertResidualOutput;
  constructor(c: BertConfig, w: Weights) {
    super();
    this.attention = new BertAttention(c, w.pp('attention'));
    this.intermediate = new BertIntermediate(c, w.pp('intermediate'));
    this.output = new BertResidualOutput(c, c.intermediateSize, w.pp('output'));
  }

  forward(x: Tensor, mask?: Tensor): Tensor {
    const a = this.attention.forward(x, mask);
    return this.output.forward(this.intermediate.forward(a), a);
  }
}

export class BertEncoder extends Module {
  layer: BertLayer[];
  constructor(c: BertConfig, w: Weights) {
    super();
    this.layer = Array.from({ length: c.numHiddenLayers }, (_, i) => new BertLayer(c, w.pp('layer').pp(i)));
  }

  forward(x: Tensor, mask?: Tensor): Tensor {
    let h = x;
    for (const l of this.layer) h = l.forward(h, mask);
    return h;
  }
}

export class BertPooler extends Module {
  dense: Linear;
  constructor(c: BertConfig, w: Weights) {
    super();
    this.dense = linear(c, c.hiddenSize, c.hiddenSize, w.pp('dense'));
  }

  /** tanh(dense(h[:, 0])). */
  forward(h: Tensor): Tensor {
    const [B, , C] = h.shape as [number, number, number];
    return tanh(this.dense.forward(h.narrow(1, 0, 1).reshape([B, C])));
  }
}

export interface BertInput {
  /** int32 [batch, seq]. */
  inputIds: Tensor;
  /** [batch, seq], 1 = token, 0 = padding. */
  attentionMask?: Tensor;
  /** int32 [batch, seq]; default 0. */
  tokenTypeIds?: Tensor;
  /** int32 [batch, seq] or [1, seq]; default 0..seq-1. */
  positionIds?: Tensor;
  /** MLM: int32 [batch, seq] with -100 = ignored; classification: int32 [batch] (float32 [batch] for regression). */
  labels?: Tensor;
}

export interface BertModelOutput {
  lastHiddenState: Tensor;
  poolerOutput?: Tensor;
  logits?: Tensor;
  loss?: Tensor;
}

const KNOWN_INPUTS = new Set(['inputIds', 'attentionMask', 'tokenTypeIds', 'positionIds', 'labels']);

function checkInput(input: BertInput, c: BertConfig, where: string): void {
  if (!input || typeof input !== 'object') throw new NnError(`${where}: input must be an object {inputIds, attentionMask?, tokenTypeIds?, positionIds?, labels?}`, 'ERR_ARGUMENT');
  for (const k of Object.keys(input)) {
    if (!KNOWN_INPUTS.has(k) && (input as unknown as Record<string, unknown>)[k] !== undefined) {
      throw new NnError(`${where}: unknown input '${k}' (known: ${[...KNOWN_INPUTS].join(', ')})`, 'ERR_ARGUMENT');
    }
  }
  const ids = input.inputIds;
  if (!ids || ids.ndim !== 2 || ids.dtype !== 'int32') {
    throw new NnError(`${where}: inputIds must be an int32 tensor [batch, seq], got ${ids ? `${ids.dtype} [${ids.shape}]` : String(ids)}`, 'ERR_ARGUMENT');
  }
  const [B, T] = ids.shape as [number, number];
  checkTokenIds(where, 'inputIds', ids, c.vocabSize);
  if (input.attentionMask) checkBinaryMask(where, 'attentionMask', input.attentionMask);
  if (T > c.maxPositionEmbeddings) {
    throw new NnError(`${where}: sequence length ${T} exceeds max_position_embeddings ${c.maxPositionEmbeddings}`, 'ERR_ARGUMENT');
  }
  for (const k of ['attentionMask', 'tokenTypeIds'] as const) {
    const t = input[k];
    if (t && t.shape.join() !== ids.shape.join()) throw new NnError(`${where}: ${k} must have inputIds' shape [${B}, ${T}], got [${t.shape}]`, 'ERR_ARGUMENT');
  }
  if (input.tokenTypeIds && input.tokenTypeIds.dtype !== 'int32') throw new NnError(`${where}: tokenTypeIds must be int32, got ${input.tokenTypeIds.dtype}`, 'ERR_ARGUMENT');
  if (input.tokenTypeIds) checkTokenIds(where, 'tokenTypeIds', input.tokenTypeIds, c.typeVocabSize, 'type_vocab_size');
  const p = input.positionIds;
  if (p && (p.ndim !== 2 || p.shape[1] !== T || (p.shape[0] !== B && p.shape[0] !== 1) || p.dtype !== 'int32')) {
    throw new NnError(`${where}: positionIds must be int32 [${B}, ${T}] or [1, ${T}], got ${p.dtype} [${p.shape}]`, 'ERR_ARGUMENT');
  }
}

// Checkpoint keys HF also ignores: the old position_ids buffer; a head's keys when loading the base.
const OLD_BUFFERS = [/(^|\.)embeddings\.position_ids$/, /(^|\.)embeddings\.token_type_ids$/];

const bertConfigFromDict = (d: ConfigDict) => new BertConfig(d);

const asConfig = (c: BertConfig | ConfigDict): BertConfig => (c instanceof BertConfig ? c : new BertConfig(c));

/** The bare encoder: lastHiddenState and (with the pooler) poolerOutput. */
export class BertModel extends PreTrainedModel<BertConfig> {
  static override readonly configFromDict = bertConfigFromDict;
  static override readonly basePrefix = 'bert';
  static override readonly ignoreOnLoad = [...OLD_BUFFERS, /^(cls|classifier)\./];
  embeddings: BertEmbeddings;
  encoder: BertEncoder;
  pooler?: BertPooler;

  /** `weights`: build options ({backend, dtype}) for random init, or a checkpoint's Weights. */
  constructor(config: BertConfig | ConfigDict, weights: WeightsOptions | Weights = {}, opts: { addPoolingLayer?: boolean } = {}) {
    const c = asConfig(config);
    super(c);
    const w = weightsFor(weights);
    this.embeddings = new BertEmbeddings(c, w.pp('embeddings'));
    this.encoder = new BertEncoder(c, w.pp('encoder'));
    if (opts.addPoolingLayer ?? true) this.pooler = new BertPooler(c, w.pp('pooler'));
  }

  get className(): string { return 'BertModel'; }


  forward(input: BertInput): BertModelOutput {
    checkInput(input, this.config, `${this.className}.forward`);
    const mask = input.attentionMask ? paddingMask(input.attentionMask) : undefined;
    const h = this.encoder.forward(this.embeddings.forward(input.inputIds, input.tokenTypeIds, input.positionIds), mask);
    return { lastHiddenState: h, poolerOutput: this.pooler?.forward(h) };
  }
}

export class BertPredictionHeadTransform extends Module {
  dense: Linear;
  LayerNorm: LayerNorm;
  private readonly act: Activation;
  constructor(c: BertConfig, w: Weights) {
    super();
    this.dense = linear(c, c.hiddenSize, c.hiddenSize, w.pp('dense'));
    this.LayerNorm = new LayerNorm(c.hiddenSize, c.layerNormEps, w.pp('LayerNorm'));
    this.act = activation(c.hiddenAct, 'BertPredictionHeadTransform');
  }

  forward(x: Tensor): Tensor { return this.LayerNorm.forward(this.act(this.dense.forward(x))); }
}

/** `cls.predictions.decoder`: the word-embedding matrix and `cls.predictions.bias`, both tied. */
export class BertTiedDecoder extends Module {
  constructor(public weight: Tensor, public bias: Tensor) { super(); }
  forward(x: Tensor): Tensor { return add(matmul(x, transpose(this.weight, 0, 1)), this.bias); }
}

export class BertLMPredictionHead extends Module {
  transform: BertPredictionHeadTransform;
  bias: Tensor;
  decoder: BertTiedDecoder;
  constructor(c: BertConfig, w: Weights, wordEmbeddings: Tensor) {
    super();
    this.transform = new BertPredictionHeadTransform(c, w.pp('transform'));
    this.bias = this.param(w.get('bias', [c.vocabSize], zerosInit));
    this.decoder = new BertTiedDecoder(wordEmbeddings, this.bias);
  }

  forward(h: Tensor): Tensor {
    // The tied tensors may have been swapped (loadStateDict / to()): read them at call time.
    this.decoder.bias = this.bias;
    return this.decoder.forward(this.transform.forward(h));
  }
}

export class BertOnlyMLMHead extends Module {
  predictions: BertLMPredictionHead;
  constructor(c: BertConfig, w: Weights, wordEmbeddings: Tensor) {
    super();
    this.predictions = new BertLMPredictionHead(c, w.pp('predictions'), wordEmbeddings);
  }
}

/** BERT with the masked-LM head; logits [batch, seq, vocab]; loss = CE over labels != -100. */
export class BertForMaskedLM extends PreTrainedModel<BertConfig> {
  static override readonly configFromDict = bertConfigFromDict;
  static override readonly basePrefix = 'bert';
  static override readonly ignoreOnLoad = [...OLD_BUFFERS, /^(bert\.)?pooler\./, /^cls\.predictions\.decoder\.(weight|bias)$/, /^cls\.seq_relationship\./];
  bert: BertModel;
  cls: BertOnlyMLMHead;
  constructor(config: BertConfig | ConfigDict, weights: WeightsOptions | Weights = {}) {
    const c = asConfig(config);
    super(c);
    const w = weightsFor(weights);
    this.bert = new BertModel(c, w.pp('bert'), { addPoolingLayer: false });
    this.cls = new BertOnlyMLMHead(c, w.pp('cls'), this.bert.embeddings.word_embeddings.weight);
  }

  get className(): string { return 'BertForMaskedLM'; }


  forward(input: BertInput): BertModelOutput {
    const where = `${this.className}.forward`;
    checkInput(input, this.config, where);
    this.cls.predictions.decoder.weight = this.bert.embeddings.word_embeddings.weight;
    const { lastHiddenState } = this.bert.forward({ ...input, labels: undefined });
    const logits = this.cls.predictions.forward(lastHiddenState);
    const out: BertModelOutput = { lastHiddenState, logits };
    if (input.labels) {
      const l = input.labels;
      if (l.dtype !== 'int32' || l.shape.join() !== input.inputIds.shape.join()) {
        throw new NnError(`${where}: labels must be int32 with inputIds' shape [${input.inputIds.shape}] (-100 = ignored), got ${l.dtype} [${l.shape}]`, 'ERR_ARGUMENT');
      }
      out.loss = tokenLoss(logits, l);
    }
    return out;
  }
}

/** BERT + pooler + dropout + classifier; logits [batch, numLabels]. */
export class BertForSequenceClassification extends PreTrainedModel<BertConfig> {
  static override readonly configFromDict = bertConfigFromDict;
  static override readonly basePrefix = 'bert';
  static override readonly ignoreOnLoad = OLD_BUFFERS;
  bert: BertModel;
  dropout: Dropout;
  classifier: Linear;
  constructor(config: BertConfig | ConfigDict, weights: WeightsOptions | Weights = {}) {
    const c = asConfig(config);
    super(c);
    const w = weightsFor(weights);
    this.bert = new BertModel(c, w.pp('bert'));
    this.dropout = new Dropout(c.classifierDropout ?? c.hiddenDropoutProb);
    this.classifier = linear(c, c.hiddenSize, c.numLabels, w.pp('classifier'));
  }

  get className(): string { return 'BertForSequenceClassification'; }


  /** Loss: regression (MSE) when numLabels is 1 or problem_type says so, else cross-entropy on int32 labels. */
  forward(input: BertInput): BertModelOutput {
    const where = `${this.className}.forward`;
    checkInput(input, this.config, where);
    const { lastHiddenState, poolerOutput } = this.bert.forward({ ...input, labels: undefined });
    const logits = this.classifier.forward(this.dropout.forward(poolerOutput!));
    const out: BertModelOutput = { lastHiddenState, poolerOutput, logits };
    const l = input.labels;
    if (l) {
      const B = input.inputIds.shape[0]!;
      const regression = this.config.problemType === 'regression' || (this.config.problemType === null && this.config.numLabels === 1);
      if (regression) {
        if (l.dtype !== 'float32' || l.size !== B * this.config.numLabels) throw new NnError(`${where}: regression labels must be float32 [${B}] (or [${B}, ${this.config.numLabels}]), got ${l.dtype} [${l.shape}]`, 'ERR_ARGUMENT');
        out.loss = sequenceClassificationLoss(logits, l, true);
      } else {
        if (l.dtype !== 'int32' || l.shape.join() !== String(B)) throw new NnError(`${where}: labels must be int32 [${B}] class ids, got ${l.dtype} [${l.shape}]`, 'ERR_ARGUMENT');
        out.loss = sequenceClassificationLoss(logits, l, false);
      }
    }
    return out;
  }
}

registerFamily('bert', {
  config: (d) => new BertConfig(d),
  classes: { BertModel, BertForMaskedLM, BertForSequenceClassification },
  base: 'BertModel', maskedLM: 'BertForMaskedLM', sequenceClassification: 'BertForSequenceClassification',
});
