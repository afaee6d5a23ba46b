import { attach } from '../autograd.js';
import { commonBackend, contiguousRaw, copyInto, emptyTensor, op } from '../engine.js';
import { ArgumentError, ShapeError } from '../errors.js';
import {
  checkShape, contiguousStrides, expandStrides, fmt, inferShape, normAxis, numel, viewStrides,
} from '../layout.js';
import { Tensor } from '../tensor.js';
import { full } from './creation.js';
import { viewRaw } from './elementwise.js';
import { checkInt } from '../validate.js';

/** Same data, new shape: a view when the layout allows, else a copy (like torch.reshape). */
export const reshape = op('reshape', 'input:tensor, shape:shape', function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape(shape, x.size, 'reshape', x.shape);
  let st = viewStrides(x, s);
  let src = x;
  if (!st) {
    src = contiguousRaw(x);
    st = contiguousStrides(s);
  }
  const y = viewRaw(src, s, st, src.offset);
  if (src !== x) src.dispose();
  return attach('reshape', [x], y);
});

/** Like reshape, but never copies (error when the layout does not allow a view). */
export const view = op('view', 'input:tensor, shape:shape', function view(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape(shape, x.size, 'view', x.shape);
  const st = viewStrides(x, s);
  if (!st) {
    throw new ShapeError(`view: a tensor of shape ${fmt(x.shape)} and strides ${fmt(x.strides)} cannot be viewed as ${fmt(s)}; use reshape() or contiguous() first`);
  }
  return attach('reshape', [x], viewRaw(x, s, st));
});

/** permute(x, [2, 0, 1]) or PyTorch's permute(x, 2, 0, 1). */
export const permute = op('permute', 'input:tensor, ...dims:int|ints', function permute(x: Tensor, ...dimsArg: (number | readonly number[])[]): Tensor {
  const dims = (Array.isArray(dimsArg[0]) ? dimsArg[0] : dimsArg) as readonly number[];
  const nd = x.ndim;
  const d = dims.map((a) => normAxis(a, nd, 'permute'));
  if (d.length !== nd || new Set(d).size !== nd) {
    throw new ArgumentError(`permute: dims ${fmt(dims)} must be a permutation of 0..${nd - 1}`);
  }
  const y = viewRaw(x, d.map((i) => x.shape[i]!), d.map((i) => x.strides[i]!));
  return attach('permute', [x], y, { dims: d });
});

export const transpose = op('transpose', 'input:tensor, dim0?:int, dim1?:int', function transpose(x: Tensor, d0 = -2, d1 = -1): Tensor {
  const nd = x.ndim;
  if (nd < 2 && d0 === -2 && d1 === -1) return x.clone();
  const a = normAxis(d0, nd, 'transpose');
  const b = normAxis(d1, nd, 'transpose');
  const dims = Array.from({ length: nd }, (_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permute(x, dims);
});

/** Broadcast view (size-1 dims repeat with stride 0); -1 keeps a dim. */
export const expand = op('expand', 'input:tensor, shape:shape', function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  const s = shape.map((d, i) => (d === -1 ? (i >= lead ? x.shape[i - lead]! : NaN) : d));
  checkShape(s, 'expand');
  const y = viewRaw(x, s, expandStrides(x, s, 'expand'));
  return attach('expand', [x], y);
});


export const broadcastTo = op('broadcastTo', 'input:tensor, shape:shape', (x: Tensor, shape: readonly number[]) => expand(x, shape));
/** `x[..., start:end:step, ...]` along `dim` (negative start/end count from the end; clamped like Python). */
export const slice = op('slice', 'input:tensor, dim:int, start?:int, end?:int|null, step?:int', function slice(x: Tensor, dim: number, start = 0, end?: number | null, step = 1): Tensor {
  const d = normAxis(dim, x.ndim, 'slice');
  if (!Number.isInteger(step) || step <= 0) throw new ArgumentError(`slice: step must be a positive integer, got ${step}`);
  const n = x.shape[d]!;
  const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s0 = clampIdx(start);
  const e0 = end == null ? n : clampIdx(end);
  const len = Math.max(0, Math.ceil((e0 - s0) / step));
  const shape = [...x.shape];
  shape[d] = len;
  const strides = [...x.strides];
  strides[d] = x.strides[d]! * step;
  const y = viewRaw(x, shape, strides, x.offset + (len ? s0 * x.strides[d]! : 0));
  return attach('slice', [x], y, { dim: d, start: s0, step });
});

export const narrow = op('narrow', 'input:tensor, dim:int, start:int, length:int', function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkInt('narrow', 'length', length, { min: 0 });
  const d = normAxis(dim, x.ndim, 'narrow');
  const s = start < 0 ? start + x.shape[d]! : start;
  if (s < 0 || length < 0 || s + length > x.shape[d]!) {
    throw new ArgumentError(`narrow: start ${start} + length ${length} exceeds dim ${d} of size ${x.shape[d]}`);
  }
  return slice(x, d, s, s + length);
});

export const squeeze = op('squeeze', 'input:tensor, dim?:int|ints', function squeeze(x: Tensor, dim?: number | number[]): Tensor {
  const dims = dim === undefined
    ? x.shape.map((_, i) => i)
    : (typeof dim === 'number' ? [dim] : dim).map((a) => normAxis(a, x.ndim, 'squeeze'));
  const shape = x.shape.filter((s, i) => !(s === 1 && dims.includes(i)));
  return reshape(x, shape);
});

export const unsqueeze = op('unsqueeze', 'input:tensor, dim:int', function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normAxis(dim, x.ndim + 1, 'unsqueeze');
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
});

export const flatten = op('flatten', 'input:tensor, startDim?:int, endDim?:int', function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const a = normAxis(startDim, x.ndim, 'flatten');
  const b = normAxis(endDim, x.ndim, 'flatten');
  if (a > b) throw new ArgumentError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, a), numel(x.shape.slice(a, b + 1)), ...x.shape.slice(b + 1)];
  return reshape(x, shape);
});

/** A contiguous tensor with the same values (x itself when already contiguous). */
export const contiguous = op('contiguous', 'input:tensor', function contiguous(x: Tensor): Tensor {
  if (x.isContiguous()) return x;
  return attach('copy', [x], contiguousRaw(x));
});

/** A copy with its own storage. */
export const clone = op('clone', 'input:tensor', function clone(x: Tensor): Tensor {
  const y = emptyTensor(commonBackend('clone', [x]), x.shape, x.dtype);
  copyInto(y, y, x);
  return attach('copy', [x], y);
});

/** Write `src` into the window of `dst` (fresh tensors only: used to build new values). */
function placeInto(dst: Tensor, dim: number, start: number, step: number, src: Tensor): void {
  const strides = [...dst.strides];
  strides[dim] = dst.strides[dim]! * step;
  copyInto(dst, { shape: src.shape, strides, offset: dst.offset + start * dst.strides[dim]! }, src);
}

export const cat = op('cat', 'tensors:tensors, dim?:int', function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!tensors.length) throw new ArgumentError('cat: needs at least one tensor');
  const first = tensors[0]!;
  const d = normAxis(dim, first.ndim, 'cat');
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new ShapeError(`cat: shapes ${fmt(first.shape)} and ${fmt(t.shape)} differ outside dim ${d}`);
    }
    if (t.dtype !== first.dtype) throw new ShapeError(`cat: dtypes ${first.dtype} and ${t.dtype} differ; cast first`);
  }
  const shape = [...first.shape];
  shape[d] = tensors.reduce((a, t) => a + t.shape[d]!, 0);
  const y = emptyTensor(commonBackend('cat', tensors), shape, first.dtype);
  let at = 0;
  for (const t of tensors) {
    if (t.size) placeInto(y, d, at, 1, t);
    at += t.shape[d]!;
  }
  return attach('cat', tensors, y, { dim: d, sizes: tensors.map((t) => t.shape[d]!) });
});

export const stack = op('stack', 'tensors:tensors, dim?:int', function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!tensors.length) throw new ArgumentError('stack: needs at least one tensor');
  const d = normAxis(dim, tensors[0]!.ndim + 1, 'stack');
  for (const t of tensors) {
    if (t.shape.join() !== tensors[0]!.shape.join()) {
      throw new ShapeError(`stack: shapes ${fmt(tensors[0]!.shape)} and ${fmt(t.shape)} differ`);
    }
  }
  const parts = tensors.map((t) => unsqueeze(t, d));
  const y = cat(parts, d);
  if (!y.node) parts.forEach((p) => p.dispose());
  return y;
});

/** Split into pieces of `size` (last may be smaller) or of the given sizes. Views. */
export const split = op('split', 'input:tensor, splitSizeOrSections:int|ints, dim?:int', function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = normAxis(dim, x.ndim, 'split');
  const n = x.shape[d]!;
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) {
      throw new ArgumentError(`split: size must be a positive integer, got ${sizeOrSections}`);
    }
    sizes = [];
    for (let i = 0; i < n; i += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - i));
  } else {
    sizes = [...sizeOrSections];
    if (sizes.reduce((a, b) => a + b, 0) !== n) {
      throw new ShapeError(`split: sections ${fmt(sizes)} do not add up to dim ${d} of size ${n}`);
    }
  }
  let at = 0;
  return sizes.map((s) => {
    const t = slice(x, d, at, at + s);
    at += s;
    return t;
  });
});

export const chunk = op('chunk', 'input:tensor, chunks:int, dim?:int', function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  const d = normAxis(dim, x.ndim, 'chunk');
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ArgumentError(`chunk: chunks must be a positive integer, got ${chunks}`);
  return split(x, Math.max(1, Math.ceil(x.shape[d]! / chunks)), d);
});

/** Constant padding; `pads` in PyTorch order: [lastLeft, lastRight, prevLeft, prevRight, ...]. */
export const pad = op('pad', 'input:tensor, pad:ints, value?:number', function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  if (pads.length % 2 || pads.length / 2 > x.ndim || pads.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new ArgumentError(`pad: pads ${fmt(pads)} must be pairs of non-negative integers, at most ${x.ndim} pairs`);
  }
  const shape = [...x.shape];
  const before = new Array<number>(x.ndim).fill(0);
  for (let i = 0; i < pads.length / 2; i++) {
    const d = x.ndim - 1 - i;
    before[d] = pads[2 * i]!;
    shape[d]! += pads[2 * i]! + pads[2 * i + 1]!;
  }
  const y = full(shape, value, { dtype: x.dtype, backend: x.backend });
  const offset = before.reduce((a, b, i) => a + b * y.strides[i]!, 0);
  if (x.size) copyInto(y, { shape: x.shape, strides: y.strides, offset }, x);
  return attach('pad', [x], y, { before });
});

/** Zeros of `shape` with `g` written into the window slice(dim, start, step): slice's gradient. */
export function sliceScatter(g: Tensor, shape: readonly number[], dim: number, start: number, step: number): Tensor {
  const y = full(shape, 0, { dtype: g.dtype, backend: g.backend });
  if (g.size) placeInto(y, dim, start, step, g);
  return y;
}

export { checkShape };
