/**
 * The shared decoder-only transformer (the GPT-2 / LLaMA lineage, as candle's "one block, many
 * configs" and HF's modular Mistral-from-Llama): attention with fused or split QKV, optional q/k/v/o
 * biases, full or partial rotary, grouped-query heads, an optional sliding window; the pre-norm
 * block; the decoder loop (positions, masks, the cache step); the causal-LM head. A family is a
 * `DecoderLayout`: its field names (the checkpoint's keys, so loading and saving use one name) and
 * switches. Field names are assigned at construction, so subclasses `declare` their fields.
 */
import { add, logicalAnd, matmul, split, tensor, transpose, type Tensor } from '@tessera/core';
import { attend, mergeHeads, paddingMask, splitHeads } from '../attention.js';
import { KVCache, type NewCacheOptions } from '../cache.js';
import { normalInit, type Init } from '../init.js';
import { PreTrainedModel, type PretrainedConfig } from '../io/pretrained.js';
import { activation, type Activation } from '../layers/activations.js';
import { Dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import { GatedMLP } from '../layers/feed-forward.js';
import { Conv1D, Linear } from '../layers/linear.js';
import { LayerNorm, RMSNorm } from '../layers/norm.js';
import { Module } from '../module.js';
import { positionsFromMask, positionsRange } from '../positional/positions.js';
import { applyRotary, RotaryEmbedding } from '../positional/rotary.js';
import { Weights } from '../weights.js';
import { checkInputs, shiftedLoss, type CausalLMOutput, type DecoderInputs } from './common.js';

/** A named Dropout child (GPT-2 keeps its dropouts as modules; LLaMA applies attention dropout functionally). */
export interface NamedDropout { name: string; p: number }

export interface AttentionLayout {
  /** One [q | k | v] projection (GPT-2's `c_attn`) or one per q, k, v. */
  qkv: { fused: string } | { q: string; k: string; v: string };
  out: string;
  qkvBias: boolean;
  outBias: boolean;
  /** GPT-2's Conv1D ([in, out] weights, always with bias) instead of Linear. */
  conv1d?: boolean;
  /** The score scale of layer `layerIdx` (default 1 / sqrt(headDim)). */
  scale?: (layerIdx: number) => number;
  /** Dropout on the attention probabilities; `dropoutName` makes it a child as GPT-2's attn_dropout. */
  dropout: number;
  dropoutName?: string;
  /** Dropout after the output projection (GPT-2's resid_dropout). */
  residDropout?: NamedDropout;
  /** Keys more than this many positions back are masked (Mistral's sliding window). */
  slidingWindow?: number | null;
}

export type MlpLayout =
  | { kind: 'plain'; fc: string; proj: string; act: string; bias: boolean; conv1d?: boolean; dropout?: NamedDropout }
  | { kind: 'gated'; act: string; bias: boolean };

export type LayerPart = 'norm1' | 'attn' | 'norm2' | 'mlp';

export interface DecoderLayout {
  /** The base model's class name, for messages (`GPT2Model.forward`). */
  name: string;
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  norm: 'layer' | 'rms';
  normEps: number;
  attention: AttentionLayout;
  mlp: MlpLayout;
  /** Rotary positions on the first `dim` channels of each head (dim < headDim: partial rotary). */
  rotary?: { theta: number; dim: number };
  /** A learned position table (GPT-2's wpe); its size bounds the input length. */
  learnedPositions?: { name: string; size: number };
  embedDropout?: NamedDropout;
  names: { embed: string; layers: string; finalNorm: string } & Record<LayerPart, string>;
  /** The checkpoint's field order within a layer (stateDict order). */
  layerOrder: readonly LayerPart[];
  /** N(0, initRange²) for weights; `residualInit` for the output projections (GPT-2 scales them). */
  initRange: number;
  residualInit?: Init;
}

/** What every layer of one forward step shares. */
export interface StepContext {
  mask?: Tensor;
  causal: boolean;
  cos?: Tensor;
  sin?: Tensor;
  cache?: KVCache;
}

type Fields = Record<string, unknown>;
const child = <T>(m: Module, name: string): T => (m as unknown as Fields)[name] as T;
const set = (m: Module, name: string, v: unknown) => { (m as unknown as Fields)[name] = v; };

interface Projection extends Module { forward(x: Tensor): Tensor }

function projection(conv1d: boolean | undefined, inF: number, outF: number, bias: boolean, init: Init, w: Weights): Projection {
  return conv1d ? new Conv1D(inF, outF, init, w) : new Linear(inF, outF, { bias, weightInit: init, biasInit: init }, w);
}

export class DecoderAttention extends Module {
  constructor(readonly layout: DecoderLayout, readonly layerIdx: number, w: Weights) {
    super();
    Object.defineProperty(this, 'layout', { enumerable: false });
    const { hidden: C, heads: H, kvHeads: Hkv, headDim: D, attention: a } = layout;
    const init = normalInit(layout.initRange);
    if ('fused' in a.qkv) set(this, a.qkv.fused, projection(a.conv1d, C, (H + 2 * Hkv) * D, a.qkvBias, init, w.pp(a.qkv.fused)));
    else {
      set(this, a.qkv.q, projection(a.conv1d, C, H * D, a.qkvBias, init, w.pp(a.qkv.q)));
      set(this, a.qkv.k, projection(a.conv1d, C, Hkv * D, a.qkvBias, init, w.pp(a.qkv.k)));
      set(this, a.qkv.v, projection(a.conv1d, C, Hkv * D, a.qkvBias, init, w.pp(a.qkv.v)));
    }
    set(this, a.out, projection(a.conv1d, H * D, C, a.outBias, layout.residualInit ?? init, w.pp(a.out)));
    if (a.dropoutName) set(this, a.dropoutName, new Dropout(a.dropout));
    if (a.residDropout) set(this, a.residDropout.name, new Dropout(a.residDropout.p));
  }

  private qkv(x: Tensor): [Tensor, Tensor, Tensor] {
    const { heads: H, kvHeads: Hkv, headDim: D, attention: a } = this.layout;
    const [q, k, v] = 'fused' in a.qkv
      ? split(child<Projection>(this, a.qkv.fused).forward(x), [H * D, Hkv * D, Hkv * D], -1)
      : [a.qkv.q, a.qkv.k, a.qkv.v].map((n) => child<Projection>(this, n).forward(x));
    return [splitHeads(q!, H), splitHeads(k!, Hkv), splitHeads(v!, Hkv)];
  }

  forward(x: Tensor, ctx: StepContext): Tensor {
    const { attention: a, rotary } = this.layout;
    let [q, k, v] = this.qkv(x);
    if (rotary && ctx.cos && ctx.sin) [q, k] = [applyRotary(q, ctx.cos, ctx.sin, rotary.dim), applyRotary(k, ctx.cos, ctx.sin, rotary.dim)];
    [k, v] = ctx.cache ? ctx.cache.update(this.layerIdx, k, v) : [k, v];
    const scale = a.scale?.(this.layerIdx) ?? 1 / Math.sqrt(this.layout.headDim);
    const y = attend(q, k, v, { mask: ctx.mask, causal: ctx.causal, scale, dropoutP: this.training ? a.dropout : 0 });
    const out = child<Projection>(this, a.out).forward(mergeHeads(y));
    return a.residDropout ? child<Dropout>(this, a.residDropout.name).forward(out) : out;
  }
}

/** fc → act → proj (→ dropout): GPT-2's MLP. */
export class DecoderMLP extends Module {
  private readonly act: Activation;
  constructor(readonly layout: DecoderLayout, w: Weights) {
    super();
    Object.defineProperty(this, 'layout', { enumerable: false });
    const m = layout.mlp as Extract<MlpLayout, { kind: 'plain' }>;
    const init = normalInit(layout.initRange);
    set(this, m.fc, projection(m.conv1d, layout.hidden, layout.intermediate, m.bias, init, w.pp(m.fc)));
    set(this, m.proj, projection(m.conv1d, layout.intermediate, layout.hidden, m.bias, layout.residualInit ?? init, w.pp(m.proj)));
    if (m.dropout) set(this, m.dropout.name, new Dropout(m.dropout.p));
    this.act = activation(m.act, `${layout.name} MLP`);
  }

  forward(x: Tensor): Tensor {
    const m = this.layout.mlp as Extract<MlpLayout, { kind: 'plain' }>;
    const y = child<Projection>(this, m.proj).forward(this.act(child<Projection>(this, m.fc).forward(x)));
    return m.dropout ? child<Dropout>(this, m.dropout.name).forward(y) : y;
  }
}

function norm(layout: DecoderLayout, w: Weights): LayerNorm | RMSNorm {
  return layout.norm === 'layer' ? new LayerNorm(layout.hidden, layout.normEps, w) : new RMSNorm(layout.hidden, layout.normEps, w);
}

/** The pre-norm block: h + attn(norm1(h)), then + mlp(norm2(·)). */
export class DecoderLayer extends Module {
  constructor(readonly layout: DecoderLayout, layerIdx: number, w: Weights) {
    super();
    Object.defineProperty(this, 'layout', { enumerable: false });
    const n = layout.names;
    const make: Record<LayerPart, () => Module> = {
      norm1: () => norm(layout, w.pp(n.norm1)),
      norm2: () => norm(layout, w.pp(n.norm2)),
      attn: () => new DecoderAttention(layout, layerIdx, w.pp(n.attn)),
      mlp: () => layout.mlp.kind === 'plain'
        ? new DecoderMLP(layout, w.pp(n.mlp))
        : new GatedMLP(layout.hidden, layout.intermediate, activation(layout.mlp.act, `${layout.name} MLP`),
          { bias: layout.mlp.bias, init: normalInit(layout.initRange) }, w.pp(n.mlp)),
    };
    for (const part of layout.layerOrder) set(this, n[part], make[part]());
  }

  forward(h: Tensor, ctx: StepContext): Tensor {
    const n = this.layout.names;
    const part = <T>(p: LayerPart) => child<T>(this, n[p]);
    const a = add(h, part<DecoderAttention>('attn').forward(part<LayerNorm>('norm1').forward(h), ctx));
    return add(a, part<DecoderMLP>('mlp').forward(part<LayerNorm>('norm2').forward(a)));
  }
}

/** bool [1, 1, T, S]: key j is visible to query i (at past + i) when i - window < j ≤ i. */
function slidingWindowMask(T: number, past: number, window: number, backend: string): Tensor {
  const S = past + T;
  const v = new Uint8Array(T * S);
  for (let i = 0; i < T; i++) {
    for (let j = Math.max(0, past + i - window + 1); j <= past + i; j++) v[i * S + j] = 1;
  }
  return tensor(v, { shape: [1, 1, T, S], dtype: 'bool', backend });
}

/** The base decoder: embeddings (+ learned positions), the layers, the final norm. */
export abstract class DecoderModel<C extends PretrainedConfig> extends PreTrainedModel<C> {
  declare readonly layout: DecoderLayout;
  declare private readonly rotary?: RotaryEmbedding;

  constructor(config: C, layout: DecoderLayout, w: Weights) {
    super(config);
    Object.defineProperty(this, 'layout', { value: layout, enumerable: false });
    const n = layout.names;
    const init = normalInit(layout.initRange);
    set(this, n.embed, new Embedding(layout.vocabSize, layout.hidden, init, w.pp(n.embed)));
    const lp = layout.learnedPositions;
    if (lp) set(this, lp.name, new Embedding(lp.size, layout.hidden, init, w.pp(lp.name)));
    if (layout.embedDropout) set(this, layout.embedDropout.name, new Dropout(layout.embedDropout.p));
    set(this, n.layers, Array.from({ length: layout.layers }, (_, i) => new DecoderLayer(layout, i, w.pp(`${n.layers}.${i}`))));
    set(this, n.finalNorm, norm(layout, w.pp(n.finalNorm)));
    const rotary = layout.rotary && new RotaryEmbedding(layout.rotary.dim, layout.rotary.theta);
    Object.defineProperty(this, 'rotary', { value: rotary, enumerable: false });
  }

  /** The token embedding (the tied LM head reads its weight). */
  get embedTokens(): Embedding { return child<Embedding>(this, this.layout.names.embed); }

  /** A preallocated K/V cache for incremental decoding. */
  newCache(opts: NewCacheOptions): KVCache {
    const L = this.layout, w = this.embedTokens.weight;
    return new KVCache({ numLayers: L.layers, numKvHeads: L.kvHeads, headDim: L.headDim }, { dtype: w.dtype, backend: w.backend, ...opts });
  }

  forward(inputs: DecoderInputs): { lastHiddenState: Tensor } {
    const L = this.layout, where = `${L.name}.forward`;
    const { inputIds, attentionMask, cache } = checkInputs(where, inputs, { vocabSize: L.vocabSize, maxPositions: L.learnedPositions?.size });
    const [B, T] = inputIds.shape as [number, number];
    const past = cache?.length ?? 0;
    cache?.checkStep(B, T, where);
    const positionIds = inputs.positionIds ?? (attentionMask ? positionsFromMask(attentionMask, T) : positionsRange(B, T, past, inputIds.backend));
    let h = this.embedTokens.forward(inputIds);
    if (L.learnedPositions) h = add(h, child<Embedding>(this, L.learnedPositions.name).forward(positionIds));
    if (L.embedDropout) h = child<Dropout>(this, L.embedDropout.name).forward(h);
    const ctx: StepContext = { causal: true, cache, mask: attentionMask ? paddingMask(attentionMask) : undefined };
    const window = L.attention.slidingWindow;
    if (window && past + T > window) {
      const w = slidingWindowMask(T, past, window, inputIds.backend); // causal within the window
      ctx.mask = ctx.mask ? logicalAnd(ctx.mask, w) : w;
      ctx.causal = false;
    }
    if (this.rotary) [ctx.cos, ctx.sin] = this.rotary.cosSin(positionIds);
    for (const layer of child<DecoderLayer[]>(this, L.names.layers)) h = layer.forward(h, ctx);
    cache?.advance(T);
    return { lastHiddenState: child<LayerNorm>(this, L.names.finalNorm).forward(h) };
  }
}

/** The causal-LM head over a base decoder: tied to the token embedding, or its own `lm_head`. */
export function causalLMHead(base: DecoderModel<PretrainedConfig>, head: Linear | undefined, inputs: DecoderInputs): CausalLMOutput {
  const { lastHiddenState } = base.forward(inputs);
  const logits = head ? head.forward(lastHiddenState) : matmul(lastHiddenState, transpose(base.embedTokens.weight, 0, 1));
  return { logits, lastHiddenState, ...(inputs.labels ? { loss: shiftedLoss(logits, inputs.labels) } : {}) };
}
