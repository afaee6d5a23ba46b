import { attach, noGrad } from '../autograd.js';
import type { ReduceOp } from '../backend.js';
import { isFloat, type DType } from '../dtype.js';
import { contiguousRaw, dispatch, tidy, op } from '../engine.js';
import { ArgumentError } from '../errors.js';
import { normAxes, normAxis, numel } from '../layout.js';
import { Tensor } from '../tensor.js';
import { abs, cast, div, eq, exp, log, mul, sub, add, viewRaw, where } from './elementwise.js';
import { contiguousStrides } from '../layout.js';

export type Axis = number | readonly number[];

export interface ReducePlan {
  axes: number[];
  /** Output shape with keepDim (reduced dims = 1). */
  keptShape: number[];
  outShape: number[];
  n: number;
}

export function reducePlan(x: Tensor, axis: Axis | undefined | null, keepDim: boolean, op: string): ReducePlan {
  const axes = normAxes(axis, x.ndim, op);
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape = keepDim ? keptShape : x.shape.filter((_, i) => !axes.includes(i));
  return { axes, keptShape, outShape, n: numel(axes.map((a) => x.shape[a]!)) };
}

/** Run a reduce kernel: move reduced axes last, view as [outer, n], reduce, reshape. No autograd. */
function reduceRaw(op: ReduceOp, x: Tensor, p: ReducePlan, dtype: DType): Tensor {
  const keepAxes = x.shape.map((_, i) => i).filter((i) => !p.axes.includes(i));
  const perm = [...keepAxes, ...p.axes];
  const permuted = viewRaw(x, perm.map((i) => x.shape[i]!), perm.map((i) => x.strides[i]!));
  const c = contiguousRaw(permuted);
  const outer = numel(keepAxes.map((i) => x.shape[i]!));
  const x2 = viewRaw(c, [outer, p.n], [p.n, 1], c.offset);
  const y = dispatch(op, [x2], [{ shape: [outer], dtype }], {})[0]!;
  x2.dispose();
  if (c !== permuted) c.dispose();
  permuted.dispose();
  const out = viewRaw(y, p.outShape, contiguousStrides(p.outShape), 0);
  y.dispose();
  return out;
}

/** Sum; bool / int8 / uint8 sum to int32. */
export const sum = op('sum', 'input:tensor, axis?:int|ints|null, keepDim?:bool', function sum(x: Tensor, axis?: Axis | null, keepDim = false): Tensor {
  const p = reducePlan(x, axis, keepDim, 'sum');
  const src = x.dtype === 'bool' || x.dtype === 'int8' || x.dtype === 'uint8' ? cast(x, 'int32') : x;
  const y = reduceRaw('sum', src, p, src.dtype);
  if (src !== x) src.dispose();
  return attach('sum', [x], y, p);
});

export const mean = op('mean', 'input:tensor, axis?:int|ints|null, keepDim?:bool', function mean(x: Tensor, axis?: Axis | null, keepDim = false): Tensor {
  const p = reducePlan(x, axis, keepDim, 'mean');
  const xf = isFloat(x.dtype) ? x : cast(x, 'float32');
  const s = sum(xf, axis, keepDim);
  const m = div(s, p.n);
  if (!m.node) s.dispose();
  return m;
});

function extreme(op: 'max' | 'min', x: Tensor, axis: Axis | undefined | null, keepDim: boolean): Tensor {
  const p = reducePlan(x, axis, keepDim, op);
  if (p.n === 0) throw new ArgumentError(`${op}: cannot reduce over an empty dimension (shape [${x.shape}])`);
  return attach(op, [x], reduceRaw(op, x, p, x.dtype), p);
}

export const max = op('max', 'input:tensor, axis?:int|ints|null, keepDim?:bool', (x: Tensor, axis?: Axis | null, keepDim = false) => extreme('max', x, axis, keepDim));
export const min = op('min', 'input:tensor, axis?:int|ints|null, keepDim?:bool', (x: Tensor, axis?: Axis | null, keepDim = false) => extreme('min', x, axis, keepDim));

/** Index of the first maximum along `axis` (int32); without axis, the flat index. */
export const argmax = op('argmax', 'input:tensor, axis?:int|null, keepDim?:bool', function argmax(x: Tensor, axis?: number | null, keepDim = false): Tensor {
  if (axis == null) {
    const flat = viewRaw(contiguousRaw(x), [x.size], [1]);
    const r = argmax(flat, 0, false);
    flat.dispose();
    return keepDim ? r.reshape(x.shape.map(() => 1)) : r;
  }
  const p = reducePlan(x, normAxis(axis, x.ndim, 'argmax'), keepDim, 'argmax');
  if (p.n === 0) throw new ArgumentError(`argmax: cannot reduce over an empty dimension (shape [${x.shape}])`);
  return reduceRaw('argmax', x, p, 'int32');
});

/** Variance with Bessel's `correction` (1 = unbiased, like torch.var's default). */
export const variance = op('variance', 'input:tensor, axis?:int|ints|null, keepDim?:bool, correction?:number', function variance(x: Tensor, axis?: Axis | null, keepDim = false, correction = 1): Tensor {
  const p = reducePlan(x, axis, keepDim, 'var');
  const m = mean(x, axis, true);
  const d = sub(x, m);
  const sq = mul(d, d);
  const s = sum(sq, axis, keepDim);
  const v = div(s, Math.max(0, p.n - correction));
  if (!v.node) [m, d, sq, s].forEach((t) => t.dispose());
  return v;
});

/** `var` (a reserved word in JavaScript, so exported under that name from the index). */
export const varOp = op('var', 'input:tensor, axis?:int|ints|null, keepDim?:bool, correction?:number', (x: Tensor, axis?: Axis | null, keepDim = false, correction = 1) => variance(x, axis, keepDim, correction));

export const std = op('std', 'input:tensor, axis?:int|ints|null, keepDim?:bool, correction?:number', function std(x: Tensor, axis?: Axis | null, keepDim = false, correction = 1): Tensor {
  const v = variance(x, axis, keepDim, correction);
  const s = v.sqrt();
  if (!s.node) v.dispose();
  return s;
});

/** log(sum(exp(x))) over `axis`, computed stably. */
export const logSumExp = op('logSumExp', 'input:tensor, axis:int|ints, keepDim?:bool', function logSumExp(x: Tensor, axis: Axis, keepDim = false): Tensor {
  const p = reducePlan(x, axis, keepDim, 'logSumExp');
  // An infinite max shifts by 0 instead (PyTorch: all -inf -> -inf, any +inf -> +inf, never NaN).
  const m = noGrad(() => tidy(() => { const mx = max(x, axis, true); return where(eq(abs(mx), Infinity), 0, mx); }));
  const d = sub(x, m);
  const e = exp(d);
  const se = sum(e, axis, true);
  const s = log(se);
  const r = add(s, m);
  if (!r.node) for (const t of [m, d, e, se, s]) t.dispose();
  if (keepDim) return r;
  const out = r.reshape(p.outShape);
  if (!out.node && out !== r) r.dispose();
  return out;
});
