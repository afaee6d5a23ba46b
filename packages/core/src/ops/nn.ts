/**
 * The optional fused ops: a backend kernel when there is one, else the decomposition here.
 * Either way one autograd node with the rule from gradients.ts.
 */
import { attach, noGrad } from '../autograd.js';
import type { OpAttrs, OpName } from '../backend.js';
import { isFloat } from '../dtype.js';
import { contiguousRaw, isTensor, tidy, tryDispatch, op } from '../engine.js';
import { describe } from '../format.js';
import { checkTensor } from '../validate.js';
import { ArgumentError, DTypeError, ShapeError } from '../errors.js';
import { contiguousStrides, fmt, normAxis, numel } from '../layout.js';
import { Tensor } from '../tensor.js';
import { rand, full } from './creation.js';
import {
  add, cast, div, eq, erf, exp, log, lt, maximum, mul, neg, sqrt, sub, tanh, viewRaw, where, expandRaw,
} from './elementwise.js';
import { gather, triu } from './indexing.js';
import { batchStride, matmul } from './linalg.js';
import { transpose } from './movement.js';
import { max, mean, sum } from './reduce.js';

/** Run the fused kernel `op` or, when the backend lacks it, `decompose` (without autograd). */
function fused<Op extends OpName>(op: Op, inputs: Tensor[], shape: readonly number[], attrs: OpAttrs[Op], decompose: () => Tensor): Tensor {
  const r = tryDispatch(op, inputs, [{ shape, dtype: inputs[0]!.dtype }], attrs);
  return r ? r[0]! : noGrad(decompose);
}

function floatInput(op: string, x: Tensor): Tensor {
  if (!isFloat(x.dtype)) throw new DTypeError(`${op}: needs a float tensor, got ${x.dtype}; cast with .to('float32')`);
  return x;
}

/** [outer, n] raw view of `x` (contiguous) over its last axis. */
function rows(x: Tensor): Tensor {
  const c = contiguousRaw(x);
  const n = x.shape[x.ndim - 1] ?? 1;
  const v = viewRaw(c, [numel(x.shape) / Math.max(n, 1), n], [n, 1], c.offset);
  if (c !== x) c.dispose();
  return v;
}

function reshapeRaw(t: Tensor, shape: readonly number[]): Tensor {
  const v = viewRaw(t, shape, contiguousStrides(shape), t.offset);
  t.dispose();
  return v;
}

/** Apply a last-axis op along `axis` by transposing it last and back. */
function alongAxis(x: Tensor, axis: number, op: string, f: (x: Tensor) => Tensor): Tensor {
  const a = normAxis(axis, x.ndim, op);
  const last = Math.max(x.ndim - 1, 0);
  if (a === last) return f(x);
  return transpose(f(transpose(x, a, last)), a, last);
}

function softmaxLast(x: Tensor): Tensor {
  const x2 = rows(x);
  const y = fused('softmax', [x2], x2.shape, {}, () => {
    const e = exp(sub(x2, max(x2, -1, true)));
    return div(e, sum(e, -1, true));
  });
  x2.dispose();
  return attach('softmax', [x], reshapeRaw(y, x.shape));
}

function logSoftmaxLast(x: Tensor): Tensor {
  const x2 = rows(x);
  const y = fused('logSoftmax', [x2], x2.shape, {}, () => {
    const s = sub(x2, max(x2, -1, true));
    return sub(s, log(sum(exp(s), -1, true)));
  });
  x2.dispose();
  return attach('logSoftmax', [x], reshapeRaw(y, x.shape));
}

export const softmax = op('softmax', 'input:tensor, axis?:int', (x: Tensor, axis = -1) => alongAxis(floatInput('softmax', x), axis, 'softmax', softmaxLast));
export const logSoftmax = op('logSoftmax', 'input:tensor, axis?:int', (x: Tensor, axis = -1) => alongAxis(floatInput('logSoftmax', x), axis, 'logSoftmax', logSoftmaxLast));

function normShape(op: string, x: Tensor, normalizedShape: number | readonly number[], params: (Tensor | undefined)[], eps?: number): number {
  if (eps !== undefined && (typeof eps !== 'number' || !(eps >= 0))) throw new ArgumentError(`${op}: argument 'eps' must be a number ≥ 0, got ${describe(eps)}`);
  params.forEach((p, i) => {
    if (p === undefined) return;
    // As PyTorch: one dtype throughout (a raw f16 weight beside f32 input would be read as the wrong bits).
    if (p.dtype !== x.dtype) throw new DTypeError(`${op}: ${i === 0 ? 'weight' : 'bias'} is ${p.dtype} but input is ${x.dtype}; cast them to one dtype`);
  });
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  if (ns.length > x.ndim || ns.some((d, i) => d !== x.shape[x.ndim - ns.length + i])) {
    throw new ShapeError(`${op}: normalizedShape ${fmt(ns)} does not match the end of input shape ${fmt(x.shape)}`);
  }
  for (const p of params) {
    if (p && p.shape.join() !== ns.join()) throw new ShapeError(`${op}: weight/bias shape ${fmt(p.shape)} must equal ${fmt(ns)}`);
  }
  return numel(ns);
}

/** Layer normalisation over the trailing `normalizedShape` dims (biased variance, like torch). */
export const layerNorm = op('layerNorm', 'input:tensor, normalizedShape:int|ints, weight?:tensor, bias?:tensor, eps?:number', function layerNorm(x: Tensor, normalizedShape: number | readonly number[], weight?: Tensor, bias?: Tensor, eps = 1e-5): Tensor {
  floatInput('layerNorm', x);
  const n = normShape('layerNorm', x, normalizedShape, [weight, bias], eps);
  const x2 = viewRaw(contiguousRaw(x), [x.size / Math.max(n, 1), n], [n, 1]);
  const w = weight && rows(weight).reshape([n]);
  const b = bias && rows(bias).reshape([n]);
  const attrs = { eps, hasWeight: !!w, hasBias: !!b };
  const y = fused('layerNorm', [x2, ...(w ? [w] : []), ...(b ? [b] : [])], x2.shape, attrs, () => {
    const mu = mean(x2, -1, true);
    const d = sub(x2, mu);
    let out = mul(d, rsqrtOf(add(mean(mul(d, d), -1, true), eps)));
    if (w) out = mul(out, w);
    if (b) out = add(out, b);
    return out;
  });
  [x2, w, b].forEach((t) => t?.dispose());
  return attach('layerNorm', [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])], reshapeRaw(y, x.shape), { ...attrs, n });
});

const rsqrtOf = (t: Tensor) => t.rsqrt();

/** RMS normalisation: x / sqrt(mean(x^2) + eps) * weight. */
export const rmsNorm = op('rmsNorm', 'input:tensor, normalizedShape:int|ints, weight?:tensor, eps?:number', function rmsNorm(x: Tensor, normalizedShape: number | readonly number[], weight?: Tensor, eps = 1e-6): Tensor {
  floatInput('rmsNorm', x);
  const n = normShape('rmsNorm', x, normalizedShape, [weight], eps);
  const x2 = viewRaw(contiguousRaw(x), [x.size / Math.max(n, 1), n], [n, 1]);
  const w = weight && rows(weight).reshape([n]);
  const attrs = { eps, hasWeight: !!w };
  const y = fused('rmsNorm', [x2, ...(w ? [w] : [])], x2.shape, attrs, () => {
    const out = mul(x2, rsqrtOf(add(mean(mul(x2, x2), -1, true), eps)));
    return w ? mul(out, w) : out;
  });
  [x2, w].forEach((t) => t?.dispose());
  return attach('rmsNorm', [x, ...(weight ? [weight] : [])], reshapeRaw(y, x.shape), { ...attrs, n });
});

/** GELU: 'none' = x * Phi(x) with erf (exact), 'tanh' = the tanh approximation. */
export const gelu = op('gelu', 'input:tensor, approximate?:opts(approximate)|string', function gelu(x: Tensor, optsArg: { approximate?: 'none' | 'tanh' } | 'none' | 'tanh' = {}): Tensor {
  const opts = typeof optsArg === 'string' ? { approximate: optsArg } : optsArg; // PyTorch: gelu(x, approximate)
  floatInput('gelu', x);
  const approximate = opts.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ArgumentError(`gelu: approximate must be 'none' or 'tanh', got ${describe(approximate)}`);
  }
  const xc = contiguousRaw(x);
  const y = fused('gelu', [xc], x.shape, { approximate }, () =>
    approximate === 'none'
      ? mul(mul(xc, 0.5), add(erf(mul(xc, Math.SQRT1_2)), 1))
      : mul(mul(xc, 0.5), add(tanh(mul(add(xc, mul(mul(mul(xc, xc), xc), 0.044715)), Math.sqrt(2 / Math.PI))), 1)),
  );
  if (xc !== x) xc.dispose();
  return attach('gelu', [x], y, { approximate });
});

export interface CrossEntropyOptions {
  ignoreIndex?: number;
  labelSmoothing?: number;
  reduction?: 'mean' | 'sum' | 'none';
}

/** Cross-entropy of logits [N, C] (or [C]) against int class targets [N] (or []), as torch. */
export const crossEntropy = op('crossEntropy', 'input:tensor, target:tensor, options?:opts(ignoreIndex labelSmoothing reduction)|tensor|string', function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  if (isTensor(opts)) {
    throw new ArgumentError("crossEntropy: class weights (PyTorch's third positional 'weight') are not supported; pass options as { ignoreIndex, labelSmoothing, reduction }");
  }
  if (typeof opts === 'string') {
    throw new ArgumentError(`crossEntropy: a third positional argument is PyTorch's 'weight'; pass the reduction as an option: crossEntropy(input, target, { reduction: ${describe(opts)} })`);
  }
  const { ignoreIndex = -100, labelSmoothing = 0, reduction = 'mean' } = opts;
  floatInput('crossEntropy', logits);
  if (target.dtype === 'bool' || isFloat(target.dtype)) {
    throw new DTypeError(`crossEntropy: target must hold integer class indices (int32), got ${target.dtype}`);
  }
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ArgumentError(`crossEntropy: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  if (!['mean', 'sum', 'none'].includes(reduction)) throw new ArgumentError(`crossEntropy: reduction must be 'mean', 'sum' or 'none', got ${reduction}`);
  const single = logits.ndim === 1;
  const lg = single ? logits.unsqueeze(0) : logits;
  const tg = single ? target.reshape([1]) : target;
  if (lg.ndim !== 2 || tg.ndim !== 1 || tg.shape[0] !== lg.shape[0]) {
    throw new ShapeError(`crossEntropy: expected logits [N, C] and target [N], got ${fmt(logits.shape)} and ${fmt(target.shape)}`);
  }
  const c = lg.shape[1]!;
  const t32 = tg.dtype === 'int32' ? contiguousRaw(tg) : cast(tg, 'int32');
  checkTargets(t32, c, ignoreIndex);
  const attrs = { ignoreIndex, labelSmoothing };
  const lc = contiguousRaw(lg);
  const perRow = fused('crossEntropy', [lc, t32], [lg.shape[0]!], attrs, () => crossEntropyRows(lc, t32, attrs));
  if (lc !== lg) lc.dispose();
  const losses = attach('crossEntropy', [lg, t32], perRow, attrs);
  if (reduction === 'none') return single ? losses.reshape([]) : losses;
  const total = sum(losses);
  if (reduction === 'sum') return total;
  const valid = noGrad(() => sum(cast(lt(eq(t32, ignoreIndex), 0.5), 'float32')));
  const denom = noGrad(() => maximum(valid, 1e-30));
  return div(total, denom);
});

function checkTargets(t: Tensor, c: number, ignoreIndex: number): void {
  if (!t.storage.backend.storage.readSync) return;
  const v = t.dataSync();
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== ignoreIndex && (v[i]! < 0 || v[i]! >= c)) {
      throw new ArgumentError(`crossEntropy: target ${v[i]} is out of range for ${c} classes (ignoreIndex is ${ignoreIndex})`, 'ERR_INDEX');
    }
  }
}

/** Per-row smoothed NLL from log-softmax, 0 on ignored rows. */
export function crossEntropyRows(logits: Tensor, target: Tensor, a: OpAttrs['crossEntropy']): Tensor {
  const c = logits.shape[1]!;
  const logp = logSoftmax(logits);
  const ignored = eq(target, a.ignoreIndex);
  const safe = where(ignored, 0, target).reshape([-1, 1]);
  const nll = neg(gather(logp, 1, safe).reshape([-1]));
  const smooth = neg(div(sum(logp, -1), c));
  const loss = add(mul(nll, 1 - a.labelSmoothing), mul(smooth, a.labelSmoothing));
  return where(ignored, 0, loss);
}

/** Inverted dropout: zero with probability p and scale the rest by 1 / (1 - p). */
/** dropout(x, p, { training, seed }) or PyTorch's dropout(x, p, training). */
export const dropout = op('dropout', 'input:tensor, p?:number, options?:opts(training seed)|bool', function dropout(x: Tensor, p = 0.5, optsArg: { training?: boolean; seed?: number } | boolean = {}): Tensor {
  const opts = typeof optsArg === 'boolean' ? { training: optsArg } : optsArg;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ArgumentError(`dropout: argument 'p' must be a number in [0, 1], got ${describe(p)}`);
  if (opts.training !== undefined && typeof opts.training !== 'boolean') throw new ArgumentError(`dropout: option 'training' must be true or false, got ${describe(opts.training)}`);
  if (opts.training === false || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const scaled = noGrad(() => tidy(() => {
    const u = rand(x.shape, { seed: opts.seed, backend: x.backend });
    return mul(cast(lt(u, 1 - p), x.dtype), 1 / (1 - p));
  }));
  const y = mul(x, scaled);
  if (!y.node) scaled.dispose();
  return y;
});

export interface AttentionOptions {
  /** bool (true = attend) or float additive mask, broadcastable to [..., tq, tk]. */
  attnMask?: Tensor;
  isCausal?: boolean;
  dropoutP?: number;
  /** default 1 / sqrt(d) */
  scale?: number;
  seed?: number;
}

/** softmax(q k^T * scale + mask) v, as torch.nn.functional.scaled_dot_product_attention. */
/** Options object, or PyTorch's positional attn_mask as the fourth argument. */
export const scaledDotProductAttention = op('scaledDotProductAttention', 'query:tensor, key:tensor, value:tensor, options?:opts(attnMask isCausal dropoutP scale seed)|tensor', function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, optsArg: AttentionOptions | Tensor = {}): Tensor {
  const fn = 'scaledDotProductAttention';
  const opts: AttentionOptions = isTensor(optsArg) ? { attnMask: optsArg } : optsArg;
  for (const t of [q, k, v]) floatInput(fn, t);
  if (k.dtype !== q.dtype || v.dtype !== q.dtype) {
    throw new DTypeError(`${fn}: query, key and value must share a dtype, got ${q.dtype}, ${k.dtype}, ${v.dtype}; cast them first`);
  }
  const mask = opts.attnMask;
  if (mask === undefined) return attentionOf(q, k, v, opts);
  checkTensor(fn, 'attnMask', mask);
  // A bool mask, or a float mask added to the scores (cast to the query's dtype, never read as raw bits).
  if (mask.dtype !== 'bool' && !isFloat(mask.dtype)) {
    throw new DTypeError(`${fn}: attnMask must be bool (true = attend) or float (added to the scores), got ${mask.dtype}; convert it with .to('bool')`);
  }
  if (mask.dtype === 'bool' || mask.dtype === q.dtype) return attentionOf(q, k, v, opts);
  const m = cast(mask, q.dtype);
  const y = attentionOf(q, k, v, { ...opts, attnMask: m });
  if (!y.node) m.dispose();
  return y;
});

function attentionOf(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): Tensor {
  if (q.ndim < 2 || k.ndim !== q.ndim || v.ndim !== q.ndim) {
    throw new ShapeError(`scaledDotProductAttention: q, k, v need one rank ≥ 2, got ${fmt(q.shape)}, ${fmt(k.shape)}, ${fmt(v.shape)}`);
  }
  const [tq, d] = q.shape.slice(-2) as [number, number];
  const [tk, dk] = k.shape.slice(-2) as [number, number];
  const batch = q.shape.slice(0, -2);
  if (dk !== d || v.shape[v.ndim - 2] !== tk || k.shape.slice(0, -2).join() !== batch.join() || v.shape.slice(0, -2).join() !== batch.join()) {
    throw new ShapeError(`scaledDotProductAttention: shapes q ${fmt(q.shape)}, k ${fmt(k.shape)}, v ${fmt(v.shape)} do not fit ([..., tq, d], [..., tk, d], [..., tk, dv])`);
  }
  const dropoutP = opts.dropoutP ?? 0;
  if (!(dropoutP >= 0 && dropoutP < 1)) throw new ArgumentError(`scaledDotProductAttention: dropoutP must be in [0, 1), got ${dropoutP}`);
  const scale = opts.scale ?? 1 / Math.sqrt(d);
  const causal = !!opts.isCausal;
  const dv = v.shape[v.ndim - 1]!;
  const mask = opts.attnMask ? additiveMask(opts.attnMask, [...batch, tq, tk], q.dtype) : undefined;
  if (dropoutP > 0) return attentionMath(q, k, v, mask, scale, causal, dropoutP, opts.seed);
  const [q3, k3, v3, m3] = attentionViews(q, k, v, mask);
  const attrs = { scale, causal, hasMask: !!m3 };
  const y = fused('attention', [q3!, k3!, v3!, ...(m3 ? [m3] : [])], [q3!.shape[0]!, tq, dv], attrs, () => attentionMath(q3!, k3!, v3!, m3, scale, causal, 0));
  [q3, k3, v3, m3].forEach((t) => t?.dispose());
  const inputs = [q, k, v, ...(opts.attnMask ? [opts.attnMask] : [])];
  return attach('attention', inputs, reshapeRaw(y, [...batch, tq, dv]), attrs);
}

/**
 * [B, t, d] raw views of q, k, v and any more [..., t, d] tensors of the same batch (a copy only
 * when not contiguous), plus the [B, tq, tk] view of a broadcast additive mask (last, or undefined).
 */
export function attentionViews(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | undefined, ...more: Tensor[]): (Tensor | undefined)[] {
  const B = numel(q.shape.slice(0, -2));
  const as3 = (t: Tensor) => {
    const c = contiguousRaw(t);
    const s = [B, t.shape[t.ndim - 2]!, t.shape[t.ndim - 1]!];
    const v3 = viewRaw(c, s, contiguousStrides(s), c.offset);
    if (c !== t) c.dispose();
    return v3;
  };
  const [tq, tk] = [q.shape[q.ndim - 2]!, k.shape[k.ndim - 2]!];
  return [...[q, k, v, ...more].map(as3), mask && collapseBatch(mask, [B, tq, tk])];
}

/** A [B, tq, tk] view of a broadcast mask; a copy only when its batch dims do not collapse. */
function collapseBatch(m: Tensor, shape: [number, number, number]): Tensor {
  const nd = m.ndim;
  const bs = batchStride(m.shape.slice(0, -2), m.strides.slice(0, -2));
  if (bs !== null) return viewRaw(m, shape, [shape[0] === 1 ? 0 : bs, m.strides[nd - 2]!, m.strides[nd - 1]!]);
  const c = contiguousRaw(m);
  const v = viewRaw(c, shape, contiguousStrides(shape), c.offset);
  if (c !== m) c.dispose();
  return v;
}

/** bool masks become 0 / -inf; the result broadcasts to `shape`. */
export function additiveMask(m: Tensor, shape: readonly number[], dtype: Tensor['dtype']): Tensor {
  const f = m.dtype === 'bool' ? noGrad(() => where(m, 0, full([], -Infinity, { dtype, backend: m.backend }))) : m;
  const e = expandRaw(f, shape, 'scaledDotProductAttention');
  return e;
}

/** softmax(q k^T * scale + mask) with causal blocking; fully masked rows give 0 (not NaN). */
export function attentionProbs(q: Tensor, k: Tensor, mask: Tensor | undefined, scale: number, causal: boolean): Tensor {
  const [tq, tk] = [q.shape[q.ndim - 2]!, k.shape[k.ndim - 2]!];
  let s = mul(matmul(q, transpose(k, -2, -1)), scale);
  if (causal) {
    const blocked = triu(full([tq, tk], 1, { backend: q.backend }), tk - tq + 1);
    s = where(cast(blocked, 'bool'), -Infinity, s);
  }
  if (mask) s = add(s, mask);
  const m = max(s, -1, true);
  const mSafe = where(eq(m, -Infinity), 0, m).detach();
  const e = exp(sub(s, mSafe));
  const z = sum(e, -1, true);
  return div(e, where(eq(z, 0), 1, z));
}

/** The reference attention math (the decomposition of the fused kernel). */
export function attentionMath(
  q: Tensor, k: Tensor, v: Tensor, mask: Tensor | undefined, scale: number, causal: boolean, dropoutP: number, seed?: number,
): Tensor {
  let p = attentionProbs(q, k, mask, scale, causal);
  if (dropoutP > 0) p = dropout(p, dropoutP, { seed });
  return matmul(p, v);
}

export interface AdamWOptions { lr: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number; step: number }

/** One AdamW step (decoupled weight decay, bias-corrected); returns new tensors. */
export const adamwUpdate = op('adamwUpdate', 'param:tensor, grad:tensor, m:tensor, v:tensor, options:opts(lr beta1 beta2 eps weightDecay step)', function adamwUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, o: AdamWOptions): { param: Tensor; m: Tensor; v: Tensor } {
  const fn = 'adamwUpdate';
  if (!o || typeof o.lr !== 'number' || !Number.isFinite(o.lr)) {
    throw new ArgumentError(`${fn}: option 'lr' (the learning rate) is required and must be a finite number, got ${describe(o?.lr)}`);
  }
  for (const k of ['beta1', 'beta2', 'eps', 'weightDecay'] as const) {
    if (o[k] !== undefined && (typeof o[k] !== 'number' || !Number.isFinite(o[k]))) throw new ArgumentError(`${fn}: option '${k}' must be a finite number, got ${describe(o[k])}`);
  }
  const a = { lr: o.lr, beta1: o.beta1 ?? 0.9, beta2: o.beta2 ?? 0.999, eps: o.eps ?? 1e-8, weightDecay: o.weightDecay ?? 0.01, step: o.step };
  if (!Number.isInteger(a.step) || a.step < 1) throw new ArgumentError(`adamwUpdate: step must be an integer ≥ 1, got ${o.step}`);
  for (const t of [grad, m, v]) {
    if (t.shape.join() !== param.shape.join()) throw new ShapeError(`adamwUpdate: shapes ${fmt(param.shape)} and ${fmt(t.shape)} differ`);
  }
  return noGrad(() => {
    const ins = [param, grad, m, v].map((t) => contiguousRaw(t.dtype === 'float32' ? t : cast(t, 'float32')));
    const r = tryDispatch('adamw', ins, ins.slice(0, 3).map((t) => ({ shape: t.shape, dtype: t.dtype })), a);
    const [p2, m2, v2] = r ?? adamwMath(ins[0]!, ins[1]!, ins[2]!, ins[3]!, a);
    const back = (t: Tensor, like: Tensor) => (like.dtype === t.dtype ? t : cast(t, like.dtype));
    return { param: back(p2!, param), m: back(m2!, m), v: back(v2!, v) };
  });
});

function adamwMath(p: Tensor, g: Tensor, m: Tensor, v: Tensor, a: OpAttrs['adamw']): Tensor[] {
  const m2 = add(mul(m, a.beta1), mul(g, 1 - a.beta1));
  const v2 = add(mul(v, a.beta2), mul(mul(g, g), 1 - a.beta2));
  const mhat = div(m2, 1 - a.beta1 ** a.step);
  const vhat = div(v2, 1 - a.beta2 ** a.step);
  const upd = add(div(mhat, add(sqrt(vhat), a.eps)), mul(p, a.weightDecay));
  return [sub(p, mul(upd, a.lr)), m2, v2];
}
