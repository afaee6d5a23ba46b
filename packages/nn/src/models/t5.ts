/**
 * T5 / FLAN-T5 (HF `T5Model`, `T5ForConditionalGeneration`): field names are the checkpoint's keys
 * (`shared`, `encoder.block.N.layer.0.SelfAttention.q`, ...), so `stateDict()` gives HF names.
 * T5 specifics: RMSNorm without mean or bias, no 1/sqrt(d) attention scaling, relative position
 * bias from block 0 of each stack reused by the later blocks, none in cross-attention, and the tied
 * LM head fed with `hidden * d_model ** -0.5`.
 */
import { add, cat, eq, full, matmul, mul, transpose, where, type Tensor } from '@tessera/core';
import { t5PositionBias } from '../positional/t5-relative-bias.js';
import { NnError } from '../errors.js';
import { Module } from '../module.js';
import { attend, mergeHeads, paddingBias, splitHeads } from '../attention.js';
import { activation, type Activation } from '../layers/activations.js';
import { Dropout } from '../layers/dropout.js';
import { PreTrainedModel } from '../io/pretrained.js';
import { registerFamily } from '../auto.js';
import { normalInit, t5Init } from '../init.js';
import { Linear } from '../layers/linear.js';
import { RMSNorm } from '../layers/norm.js';
import { Embedding } from '../layers/embedding.js';
import { Weights, weightsFor, type WeightsOptions } from '../weights.js';
import { KVCache } from '../cache.js';
import type { ConfigDict } from '../io/config.js';
import { T5Config, type T5ConfigDict } from './t5-config.js';

export { T5Config, type T5ConfigDict, type T5FeedForwardProj } from './t5-config.js';
import { checkBinaryMask, checkTokenIds } from './common.js';
import { tokenLoss } from './losses.js';

// ---------------------------------------------------------------------------------------------
// Layers

/** T5's bias-free projections with the factor-scaled init of transformers' `_init_weights`. */
const proj = (inF: number, outF: number, std: number, w: Weights) => new Linear(inF, outF, { bias: false, weightInit: normalInit(std) }, w);


/** `DenseReluDense`: wo(act(wi x)) or, gated (v1.1), wo(act(wi_0 x) * wi_1 x). */
export class T5DenseActDense extends Module {
  wi?: Linear;
  wi_0?: Linear;
  wi_1?: Linear;
  wo: Linear;
  dropout: Dropout;
  private readonly act: Activation;
  constructor(private readonly cfg: T5Config, w: Weights) {
    super();
    const f = cfg.initializerFactor;
    const std = f * cfg.dModel ** -0.5;
    if (cfg.isGatedAct) {
      this.wi_0 = proj(cfg.dModel, cfg.dFf, std, w.pp('wi_0'));
      this.wi_1 = proj(cfg.dModel, cfg.dFf, std, w.pp('wi_1'));
    } else {
      this.wi = proj(cfg.dModel, cfg.dFf, std, w.pp('wi'));
    }
    this.wo = proj(cfg.dFf, cfg.dModel, f * cfg.dFf ** -0.5, w.pp('wo'));
    this.dropout = new Dropout(cfg.dropoutRate);
    this.act = activation(cfg.denseActFn, 'T5DenseActDense');
  }
  forward(x: Tensor): Tensor {
    const h = this.cfg.isGatedAct ? mul(this.act(this.wi_0!.forward(x)), this.wi_1!.forward(x)) : this.act(this.wi!.forward(x));
    return this.wo.forward(this.dropout.forward(h));
  }
}

/** Keys/values of one attention layer kept between decoding steps. */

/** T5Attention: no 1/sqrt(d) scaling; `relative_attention_bias` only in block 0 of a stack. */
export class T5Attention extends Module {
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
  relative_attention_bias?: Embedding;
  constructor(private readonly cfg: T5Config, hasRelativeBias: boolean, w: Weights) {
    super();
    const f = cfg.initializerFactor;
    const inner = cfg.numHeads * cfg.dKv;
    this.q = proj(cfg.dModel, inner, f * (cfg.dModel * cfg.dKv) ** -0.5, w.pp('q'));
    this.k = proj(cfg.dModel, inner, f * cfg.dModel ** -0.5, w.pp('k'));
    this.v = proj(cfg.dModel, inner, f * cfg.dModel ** -0.5, w.pp('v'));
    this.o = proj(inner, cfg.dModel, f * inner ** -0.5, w.pp('o'));
    if (hasRelativeBias) {
      this.relative_attention_bias = new Embedding(cfg.relativeAttentionNumBuckets, cfg.numHeads, t5Init(f, cfg.dModel), w.pp('relative_attention_bias'));
    }
  }

  /** [B, T, D] -> [B, H, T, dKv] */
  private heads(x: Tensor): Tensor { return splitHeads(x, this.cfg.numHeads); }

  /** [1, H, q, k] bias of this (block-0) layer for queries at `offset + i`. */
  positionBias(queryLength: number, keyLength: number, bidirectional: boolean, offset = 0): Tensor {
    const w = this.relative_attention_bias;
    if (!w) throw new NnError('T5Attention.positionBias: only block 0 of a stack has relative_attention_bias', 'ERR_ARGUMENT');
    return t5PositionBias(w.weight, queryLength, keyLength, {
      bidirectional, numBuckets: this.cfg.relativeAttentionNumBuckets, maxDistance: this.cfg.relativeAttentionMaxDistance, queryOffset: offset,
    });
  }

  /**
   * `bias` is the full additive term [.., H|1, q, k] (position bias + masks). Self-attention with a
   * `cache` appends this step's K/V; cross-attention (`kv` given) computes K/V of the encoder once.
   */
  forward(x: Tensor, bias: Tensor | undefined, opts: { kv?: Tensor; cache?: KVCache; layer?: number; causal?: boolean } = {}): Tensor {
    const q = this.heads(this.q.forward(x));
    const { cache, layer = 0 } = opts;
    let k: Tensor;
    let v: Tensor;
    if (opts.kv) {
      // Cross-attention: the encoder's K/V do not change between steps, so the cache keeps them once.
      const kv = opts.kv;
      const make = (): [Tensor, Tensor] => [this.heads(this.k.forward(kv)), this.heads(this.v.forward(kv))];
      [k, v] = cache ? cache.cross(layer, make) : make();
    } else {
      k = this.heads(this.k.forward(x));
      v = this.heads(this.v.forward(x));
      if (cache) [k, v] = cache.update(layer, k, v); // written into the preallocated buffers
    }
    // nn's attend: the position bias and the padding are one additive mask; causality a flag.
    const y = attend(q, k, v, { mask: bias, causal: opts.causal ?? false, scale: 1 });
    return this.o.forward(mergeHeads(y));
  }
}

export class T5LayerSelfAttention extends Module {
  SelfAttention: T5Attention;
  layer_norm: RMSNorm;
  dropout: Dropout;
  constructor(cfg: T5Config, hasRelativeBias: boolean, w: Weights, private readonly causal = false) {
    super();
    this.SelfAttention = new T5Attention(cfg, hasRelativeBias, w.pp('SelfAttention'));
    this.layer_norm = new RMSNorm(cfg.dModel, cfg.layerNormEpsilon, w.pp('layer_norm'));
    this.dropout = new Dropout(cfg.dropoutRate);
  }
  forward(h: Tensor, bias: Tensor | undefined, cache?: KVCache, layer?: number): Tensor {
    const y = this.SelfAttention.forward(this.layer_norm.forward(h), bias, { cache, layer, causal: this.causal });
    return add(h, this.dropout.forward(y));
  }
}

export class T5LayerCrossAttention extends Module {
  EncDecAttention: T5Attention;
  layer_norm: RMSNorm;
  dropout: Dropout;
  constructor(cfg: T5Config, w: Weights) {
    super();
    this.EncDecAttention = new T5Attention(cfg, false, w.pp('EncDecAttention'));
    this.layer_norm = new RMSNorm(cfg.dModel, cfg.layerNormEpsilon, w.pp('layer_norm'));
    this.dropout = new Dropout(cfg.dropoutRate);
  }
  forward(h: Tensor, enc: Tensor, bias: Tensor | undefined, cache?: KVCache, layer?: number): Tensor {
    const y = this.EncDecAttention.forward(this.layer_norm.forward(h), bias, { kv: enc, cache, layer });
    return add(h, this.dropout.forward(y));
  }
}

export class T5LayerFF extends Module {
  DenseReluDense: T5DenseActDense;
  layer_norm: RMSNorm;
  dropout: Dropout;
  constructor(cfg: T5Config, w: Weights) {
    super();
    this.DenseReluDense = new T5DenseActDense(cfg, w.pp('DenseReluDense'));
    this.layer_norm = new RMSNorm(cfg.dModel, cfg.layerNormEpsilon, w.pp('layer_norm'));
    this.dropout = new Dropout(cfg.dropoutRate);
  }
  forward(h: Tensor): Tensor {
    return add(h, this.dropout.forward(this.DenseReluDense.forward(this.layer_norm.forward(h))));
  }
}

export class T5Block extends Module {
  layer: (T5LayerSelfAttention | T5LayerCrossAttention | T5LayerFF)[];
  constructor(cfg: T5Config, readonly isDecoder: boolean, hasRelativeBias: boolean, w: Weights) {
    super();
    const lw = w.pp('layer');
    this.layer = [new T5LayerSelfAttention(cfg, hasRelativeBias, lw.pp(0), isDecoder)];
    if (isDecoder) this.layer.push(new T5LayerCrossAttention(cfg, lw.pp(1)));
    this.layer.push(new T5LayerFF(cfg, lw.pp(isDecoder ? 2 : 1)));
  }
  forward(h: Tensor, selfBias: Tensor | undefined, enc?: Tensor, crossBias?: Tensor, cache?: KVCache, layer?: number): Tensor {
    const [sa, ...rest] = this.layer;
    let x = (sa as T5LayerSelfAttention).forward(h, selfBias, cache, layer);
    if (this.isDecoder) x = (rest[0] as T5LayerCrossAttention).forward(x, enc!, crossBias, cache, layer);
    return (rest[rest.length - 1] as T5LayerFF).forward(x);
  }
}


export class T5Stack extends Module {
  block: T5Block[];
  final_layer_norm: RMSNorm;
  dropout: Dropout;
  // The token embedding is the model's `shared`; kept off the walked fields so it is stored once.
  readonly #embed: () => Embedding;
  constructor(private readonly cfg: T5Config, readonly isDecoder: boolean, embed: () => Embedding, w: Weights) {
    super();
    const n = isDecoder ? cfg.numDecoderLayers : cfg.numLayers;
    this.block = Array.from({ length: n }, (_, i) => new T5Block(cfg, isDecoder, i === 0, w.pp('block').pp(i)));
    this.final_layer_norm = new RMSNorm(cfg.dModel, cfg.layerNormEpsilon, w.pp('final_layer_norm'));
    this.dropout = new Dropout(cfg.dropoutRate);
    this.#embed = embed;
  }

  forward(ids: Tensor, opts: { attentionMask?: Tensor; encoderHidden?: Tensor; encoderAttentionMask?: Tensor; cache?: KVCache } = {}): Tensor {
    checkIds(`T5Stack(${this.isDecoder ? 'decoder' : 'encoder'}).forward`, 'inputIds', ids, this.cfg.vocabSize);
    const [b, t] = ids.shape as [number, number];
    const offset = opts.cache?.length ?? 0;
    const kLen = offset + t;
    let h = this.dropout.forward(this.#embed().forward(ids));
    const rel = (this.block[0]!.layer[0] as T5LayerSelfAttention).SelfAttention;
    let selfBias = rel.positionBias(t, kLen, !this.isDecoder, offset);
    if (opts.attentionMask) {
      checkMask('T5Stack.forward', 'attentionMask', opts.attentionMask, [b, kLen]);
      selfBias = add(selfBias, paddingBias(opts.attentionMask));
    }
    let crossBias: Tensor | undefined;
    if (this.isDecoder) {
      if (!opts.encoderHidden) throw new NnError('T5Stack(decoder).forward: encoderHidden is required', 'ERR_ARGUMENT');
      if (opts.encoderAttentionMask) crossBias = paddingBias(opts.encoderAttentionMask);
    }
    this.block.forEach((blk, i) => {
      h = blk.forward(h, selfBias, opts.encoderHidden, crossBias, opts.cache, i);
    });
    opts.cache?.advance(t);
    return this.dropout.forward(this.final_layer_norm.forward(h));
  }
}

function checkIds(fn: string, name: string, ids: unknown, vocab: number): void {
  const t = ids as Tensor;
  if (!t || typeof t !== 'object' || !('shape' in t) || t.ndim !== 2 || t.dtype !== 'int32') {
    throw new NnError(`${fn}: ${name} must be an int32 tensor [batch, seq], got ${t && (t as Tensor).shape ? `${(t as Tensor).dtype} [${(t as Tensor).shape.join(', ')}]` : String(t)}`, 'ERR_ARGUMENT');
  }
  if (t.shape[1] === 0) throw new NnError(`${fn}: ${name} must have at least one position, got [${t.shape.join(', ')}] (vocab ${vocab})`, 'ERR_ARGUMENT');
  checkTokenIds(fn, name, t, vocab);
}

function checkMask(fn: string, name: string, m: Tensor, shape: number[]): void {
  if (m.ndim !== 2 || m.shape[0] !== shape[0] || m.shape[1] !== shape[1]) {
    throw new NnError(`${fn}: ${name} must be [${shape.join(', ')}] (batch, all positions so far), got [${m.shape.join(', ')}]`, 'ERR_SHAPE');
  }
  checkBinaryMask(fn, name, m);
}

// ---------------------------------------------------------------------------------------------
// Cache and models

/** T5's incremental-decoding state: nn's preallocated KVCache (self-attention K/V + cross-attention K/V). */
export type T5Cache = KVCache;

export interface T5ForwardInput {
  inputIds?: Tensor;
  attentionMask?: Tensor;
  decoderInputIds?: Tensor;
  decoderAttentionMask?: Tensor;
  labels?: Tensor;
  cache?: T5Cache;
  /** The encoder's last hidden state from an earlier call (skips the encoder). */
  encoderOutputs?: Tensor;
}

export interface T5Output {
  logits?: Tensor;
  loss?: Tensor;
  /** decoder output after its final norm (before the tied-head rescale) */
  lastHiddenState: Tensor;
  encoderLastHiddenState: Tensor;
}

/** HF `_shift_right`: [start, labels[:-1]] with -100 replaced by the pad id (tensor ops only). */
export function shiftRight(labels: Tensor, decoderStartTokenId: number, padTokenId: number): Tensor {
  const [b, t] = labels.shape as [number, number];
  const start = full([b, 1], decoderStartTokenId, { dtype: 'int32', backend: labels.backend });
  const shifted = t > 1 ? cat([start, labels.slice(1, 0, t - 1)], 1) : start;
  return where(eq(shifted, -100), full([b, t], padTokenId, { dtype: 'int32', backend: labels.backend }), shifted);
}

/** The second constructor argument: a `Weights` builder (checkpoint loading) or init options. */
/** The second constructor argument, as every family's: a checkpoint's Weights or { backend, dtype, seed }. */
export type T5BuildOptions = Weights | WeightsOptions;

function headWeights(opts: T5BuildOptions): Weights {
  return (opts instanceof Weights ? opts : new Weights(null, { ...opts, seed: undefined })).pp('lm_head');
}

/** Tied copies older checkpoints store next to `shared.weight` (HF's _tied_weights_keys). */
const TIED_COPIES = [/^encoder\.embed_tokens\.weight$/, /^decoder\.embed_tokens\.weight$/, /^lm_head\.weight$/];

export class T5Model extends PreTrainedModel<T5Config> {
  static override readonly configFromDict = (d: ConfigDict) => new T5Config(d as Partial<T5ConfigDict>);
  static override readonly ignoreOnLoad = TIED_COPIES;
  static readonly architecture: string = 'T5Model';
  shared: Embedding;
  encoder: T5Stack;
  decoder: T5Stack;

  /** Random init as transformers' `_init_weights` (factor-scaled normals, norms 1). */
  constructor(config: T5Config | Partial<T5ConfigDict>, opts: T5BuildOptions = {}) {
    const cfg = config instanceof T5Config ? config : new T5Config(config);
    super(cfg);
    Object.defineProperty(this, 'config', { value: cfg, enumerable: false });
    const w = weightsFor(opts);
    this.shared = new Embedding(cfg.vocabSize, cfg.dModel, normalInit(cfg.initializerFactor), w.pp('shared'));
    this.encoder = new T5Stack(cfg, false, () => this.shared, w.pp('encoder'));
    this.decoder = new T5Stack(cfg, true, () => this.shared, w.pp('decoder'));
  }

  /**
   * Load an HF folder (`config.json`, `model.safetensors` or a sharded index); each checkpoint
   * tensor is taken, not copied. Tied copies that older checkpoints store
   * (`encoder/decoder.embed_tokens.weight`, a tied `lm_head.weight`) are accepted and dropped.
   */

  get className(): string { return (this.constructor as typeof T5Model).architecture; }

  /** A cache for `batchSize` sequences of up to `maxLength` decoder tokens. */
  newCache({ batchSize, maxLength }: { batchSize: number; maxLength: number }): T5Cache {
    for (const [k, v] of Object.entries({ batchSize, maxLength })) {
      if (!Number.isInteger(v) || v < 1) throw new NnError(`${this.constructor.name}.newCache: ${k} must be an integer ≥ 1, got ${String(v)}`, 'ERR_ARGUMENT');
    }
    const c = this.config;
    const w = this.shared.weight;
    return new KVCache({ numLayers: c.numDecoderLayers, numKvHeads: c.numHeads, headDim: c.dKv }, { batchSize, maxLength, dtype: w.dtype, backend: w.backend });
  }

  protected run(input: T5ForwardInput): { dec: Tensor; enc: Tensor } {
    const fn = `${this.constructor.name}.forward`;
    if (typeof input !== 'object' || input === null) throw new NnError(`${fn}: input must be an object { inputIds, ... }`, 'ERR_ARGUMENT');
    const { cache } = input;
    let enc = input.encoderOutputs;
    if (!enc) {
      if (!input.inputIds) throw new NnError(`${fn}: give inputIds or encoderOutputs`, 'ERR_ARGUMENT');
      enc = this.encoder.forward(input.inputIds, { attentionMask: input.attentionMask });
    }
    let dec = input.decoderInputIds;
    if (!dec) {
      if (!input.labels) throw new NnError(`${fn}: give decoderInputIds or labels`, 'ERR_ARGUMENT');
      dec = shiftRight(input.labels, this.config.decoderStartTokenId, this.config.padTokenId);
    }
    if (cache) {
      if (dec.shape[0] !== cache.batchSize) throw new NnError(`${fn}: batch ${dec.shape[0]} differs from the cache's ${cache.batchSize}`, 'ERR_SHAPE');
      if (cache.length + dec.shape[1]! > cache.maxLength) {
        throw new NnError(`${fn}: ${cache.length} cached + ${dec.shape[1]} new tokens exceed the cache's maxLength ${cache.maxLength}`, 'ERR_ARGUMENT');
      }
    }
    const out = this.decoder.forward(dec, {
      attentionMask: input.decoderAttentionMask, encoderHidden: enc, encoderAttentionMask: input.attentionMask, cache,
    });
    return { dec: out, enc };
  }

  forward(input: T5ForwardInput): T5Output {
    const { dec, enc } = this.run(input);
    return { lastHiddenState: dec, encoderLastHiddenState: enc };
  }
}

export class T5ForConditionalGeneration extends T5Model {
  static override readonly architecture: string = 'T5ForConditionalGeneration';
  lm_head?: Linear;

  constructor(config: T5Config | Partial<T5ConfigDict>, opts: T5BuildOptions = {}) {
    super(config, opts);
    if (!this.config.tieWordEmbeddings) {
      this.lm_head = proj(this.config.dModel, this.config.vocabSize, this.config.initializerFactor, headWeights(opts));
    }
  }

  override forward(input: T5ForwardInput): T5Output {
    const { dec, enc } = this.run(input);
    const logits = this.lm_head
      ? this.lm_head.forward(dec)
      : matmul(mul(dec, this.config.dModel ** -0.5), transpose(this.shared.weight, 0, 1));
    const out: T5Output = { logits, lastHiddenState: dec, encoderLastHiddenState: enc };
    if (input.labels) {
      out.loss = tokenLoss(logits, input.labels);
    }
    return out;
  }
}

registerFamily('t5', {
  config: (dict) => new T5Config(dict as Partial<T5ConfigDict>),
  classes: { T5Model, T5ForConditionalGeneration },
  base: 'T5Model',
  seq2seqLM: 'T5ForConditionalGeneration',
});
