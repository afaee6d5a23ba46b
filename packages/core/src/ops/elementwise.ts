import { attach } from '../autograd.js';
import type { BinaryOp, UnaryOp } from '../backend.js';
import { assertDType, isFloat, promoteTypes, type DType } from '../dtype.js';
import { commonBackend, dispatch, getBackend, isTensor, op } from '../engine.js';
import { DTypeError } from '../errors.js';
import { broadcastShapes, expandStrides } from '../layout.js';
import { Tensor } from '../tensor.js';
import { full } from './creation.js';

export type Operand = Tensor | number | boolean;

/** A raw (no-autograd) view of `t` with another layout. */
export function viewRaw(t: Tensor, shape: readonly number[], strides: readonly number[], offset = t.offset): Tensor {
  return new Tensor(t.storage, { shape, strides, offset }, t.dtype);
}

/** A raw broadcast view of `t` to `shape`. */
export function expandRaw(t: Tensor, shape: readonly number[], op: string): Tensor {
  if (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i])) return t;
  return viewRaw(t, shape, expandStrides(t, shape, op));
}

function scalarDType(v: number | boolean, other: DType): DType {
  if (typeof v === 'boolean') return other;
  if (isFloat(other)) return other;
  return Number.isInteger(v) ? (other === 'bool' ? 'int32' : other) : 'float32';
}

/** Turn number operands into tensors on the other operand's backend (PyTorch scalar promotion). */
export function operands(op: string, a: Operand, b: Operand): [Tensor, Tensor, Tensor[]] {
  const made: Tensor[] = [];
  const mk = (v: number | boolean, other: Tensor | null) => {
    const dtype = other ? scalarDType(v, other.dtype) : typeof v === 'boolean' ? 'bool' : 'float32';
    const t = full([], v, { dtype, backend: other?.backend ?? getBackend().name });
    made.push(t);
    return t;
  };
  if (!isTensor(a) && !isTensor(b)) {
    throw new DTypeError(`${op}: at least one operand must be a Tensor, got ${typeof a} and ${typeof b}`);
  }
  const ta = isTensor(a) ? a : mk(a, b as Tensor);
  const tb = isTensor(b) ? b : mk(b, ta);
  commonBackend(op, [ta, tb]);
  return [ta, tb, made];
}

/** Elementwise cast (differentiable between float types). */
export const cast = op('cast', 'input:tensor, dtype:dtype', function cast(x: Tensor, dtype: DType): Tensor {
  assertDType(dtype, 'cast');
  if (x.dtype === dtype) return x;
  const y = dispatch('cast', [x], [{ shape: x.shape, dtype }], { dtype })[0]!;
  return isFloat(dtype) ? attach('cast', [x], y) : y;
});

const INT_OK: ReadonlySet<UnaryOp> = new Set(['neg', 'abs']);

export function unary(op: UnaryOp, x: Tensor): Tensor {
  const xf = isFloat(x.dtype) || INT_OK.has(op) ? x : cast(x, 'float32');
  if (x.dtype === 'bool' && INT_OK.has(op)) {
    throw new DTypeError(`${op}: not defined for bool tensors; cast first with .to('int32')`);
  }
  const y = dispatch(op, [xf], [{ shape: xf.shape, dtype: xf.dtype }], {})[0]!;
  const out = attach(op, [xf], y);
  if (xf !== x && !out.requiresGrad) xf.dispose();
  return out;
}

const COMPARE: ReadonlySet<BinaryOp> = new Set(['lt', 'le', 'eq']);

export function binary(op: BinaryOp, a: Operand, b: Operand): Tensor {
  const [ta, tb, made] = operands(op, a, b);
  let dtype = promoteTypes(ta.dtype, tb.dtype);
  if ((op === 'div' || op === 'pow') && !isFloat(dtype)) dtype = 'float32';
  if (dtype === 'bool' && !COMPARE.has(op) && op !== 'maximum' && op !== 'minimum') dtype = 'int32';
  const temps: Tensor[] = [];
  const ca = ta.dtype === dtype ? ta : (temps.push(cast(ta, dtype)), temps[temps.length - 1]!);
  const cb = tb.dtype === dtype ? tb : (temps.push(cast(tb, dtype)), temps[temps.length - 1]!);
  const shape = broadcastShapes(ta.shape, tb.shape, op);
  const ea = expandRaw(ca, shape, op);
  const eb = expandRaw(cb, shape, op);
  const y = dispatch(op, [ea, eb], [{ shape, dtype: COMPARE.has(op) ? 'bool' : dtype }], {})[0]!;
  if (ea !== ca) ea.dispose();
  if (eb !== cb) eb.dispose();
  const out = COMPARE.has(op) ? y : attach(op as Exclude<BinaryOp, 'lt' | 'le' | 'eq'>, [ca, cb], y);
  if (!out.node) {
    for (const t of temps) t.dispose();
    for (const t of made) t.dispose();
  }
  return out;
}

export const neg = op('neg', 'input:tensor', (x: Tensor) => unary('neg', x));
export const exp = op('exp', 'input:tensor', (x: Tensor) => unary('exp', x));
export const log = op('log', 'input:tensor', (x: Tensor) => unary('log', x));
export const sqrt = op('sqrt', 'input:tensor', (x: Tensor) => unary('sqrt', x));
export const rsqrt = op('rsqrt', 'input:tensor', (x: Tensor) => unary('rsqrt', x));
export const sin = op('sin', 'input:tensor', (x: Tensor) => unary('sin', x));
export const cos = op('cos', 'input:tensor', (x: Tensor) => unary('cos', x));
export const tanh = op('tanh', 'input:tensor', (x: Tensor) => unary('tanh', x));
export const abs = op('abs', 'input:tensor', (x: Tensor) => unary('abs', x));
export const sigmoid = op('sigmoid', 'input:tensor', (x: Tensor) => unary('sigmoid', x));
export const erf = op('erf', 'input:tensor', (x: Tensor) => unary('erf', x));

export const add = op('add', 'input:operand, other:operand', (a: Operand, b: Operand) => binary('add', a, b));
export const sub = op('sub', 'input:operand, other:operand', (a: Operand, b: Operand) => binary('sub', a, b));
export const mul = op('mul', 'input:operand, other:operand', (a: Operand, b: Operand) => binary('mul', a, b));
export const div = op('div', 'input:operand, other:operand', (a: Operand, b: Operand) => binary('div', a, b));
export const pow = op('pow', 'input:operand, other:operand', (a: Operand, b: Operand) => binary('pow', a, b));
export const maximum = op('maximum', 'input:operand, other:operand', (a: Operand, b: Operand) => binary('maximum', a, b));
export const minimum = op('minimum', 'input:operand, other:operand', (a: Operand, b: Operand) => binary('minimum', a, b));
export const lt = op('lt', 'input:operand, other:operand', (a: Operand, b: Operand) => binary('lt', a, b));
export const le = op('le', 'input:operand, other:operand', (a: Operand, b: Operand) => binary('le', a, b));
export const eq = op('eq', 'input:operand, other:operand', (a: Operand, b: Operand) => binary('eq', a, b));
export const gt = op('gt', 'input:operand, other:operand', (a: Operand, b: Operand) => binary('lt', b, a));
export const ge = op('ge', 'input:operand, other:operand', (a: Operand, b: Operand) => binary('le', b, a));
export const ne = op('ne', 'input:operand, other:operand', (a: Operand, b: Operand) => logicalNot(eq(a, b)));

export const logicalNot = op('logicalNot', 'input:tensor', function logicalNot(x: Tensor): Tensor {
  return x.dtype === 'bool' ? binary('eq', x, false) : binary('eq', x, 0);
});
export const logicalAnd = op('logicalAnd', 'input:tensor, other:tensor', (a: Tensor, b: Tensor) => where(a.to('bool'), b.to('bool'), false));
export const logicalOr = op('logicalOr', 'input:tensor, other:tensor', (a: Tensor, b: Tensor) => where(a.to('bool'), true, b.to('bool')));

export const square = op('square', 'input:tensor', (x: Tensor) => mul(x, x));
export const reciprocal = op('reciprocal', 'input:tensor', (x: Tensor) => div(1, x));
export const relu = op('relu', 'input:tensor', (x: Tensor) => maximum(x, 0));
export const silu = op('silu', 'input:tensor', (x: Tensor) => mul(x, sigmoid(x)));
/** -1, 0 or 1 (no gradient). */
export const sign = op('sign', 'input:tensor', function sign(x: Tensor): Tensor {
  const pos = cast(gt(x, 0), x.dtype);
  const negs = cast(lt(x, 0), x.dtype);
  const s = sub(pos, negs);
  pos.dispose();
  negs.dispose();
  return s;
});

/** `cond ? a : b` elementwise, with broadcasting. */
export const where = op('where', 'condition:tensor, input:operand, other:operand', function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  if (cond.dtype !== 'bool') throw new DTypeError(`where: cond must be a bool tensor, got ${cond.dtype}`);
  const [ta, tb, made] = operands('where', a, b);
  const dtype = promoteTypes(ta.dtype, tb.dtype);
  const temps: Tensor[] = [];
  const ca = ta.dtype === dtype ? ta : (temps.push(cast(ta, dtype)), temps[temps.length - 1]!);
  const cb = tb.dtype === dtype ? tb : (temps.push(cast(tb, dtype)), temps[temps.length - 1]!);
  const shape = broadcastShapes(broadcastShapes(cond.shape, ta.shape, 'where'), tb.shape, 'where');
  const views = [expandRaw(cond, shape, 'where'), expandRaw(ca, shape, 'where'), expandRaw(cb, shape, 'where')];
  const y = dispatch('where', views, [{ shape, dtype }], {})[0]!;
  views.forEach((v, i) => v !== [cond, ca, cb][i] && v.dispose());
  const out = attach('where', [cond, ca, cb], y);
  if (!out.node) {
    for (const t of temps) t.dispose();
    for (const t of made) t.dispose();
  }
  return out;
});

export const clamp = op('clamp', 'input:tensor, min?:number|tensor|null, max?:number|tensor|null', function clamp(x: Tensor, min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
  let y = x;
  if (min != null) y = maximum(y, min);
  if (max != null) {
    const z = minimum(y, max);
    if (y !== x && !z.node) y.dispose();
    y = z;
  }
  return y === x ? x.clone() : y;
});

/** Replace elements where `mask` is true by `value`. */
export const maskedFill = op('maskedFill', 'input:tensor, mask:tensor, value:number|bool', function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  return where(mask.dtype === 'bool' ? mask : mask.to('bool'), value, x);
});
