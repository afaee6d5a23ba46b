import { ArgumentError, ShapeError } from './errors.js';

/** Shape, strides (elements) and offset (elements) of a tensor over its storage. */
export interface Layout {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i]!;
  }
  return st;
}

export function isContiguous(l: Layout): boolean {
  let s = 1;
  for (let i = l.shape.length - 1; i >= 0; i--) {
    const d = l.shape[i]!;
    if (d !== 1 && l.strides[i] !== s) return false;
    s *= d;
  }
  return true;
}

export function checkShape(shape: readonly number[], where: string): number[] {
  if (!Array.isArray(shape)) throw new ArgumentError(`${where}: shape must be an array of integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ArgumentError(`${where}: shape ${fmt(shape)} must hold non-negative integers`);
    }
  }
  return [...shape];
}

/** Normalise a possibly negative axis; `ndim` 0 accepts -1 and 0. */
export function normAxis(axis: number, ndim: number, where: string): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(axis) || axis < -n || axis >= n) {
    throw new ArgumentError(`${where}: axis ${axis} is out of range for a ${ndim}-d tensor (use -${n}..${n - 1})`);
  }
  return axis < 0 ? axis + n : axis;
}

export function normAxes(axis: number | readonly number[] | undefined | null, ndim: number, where: string): number[] {
  if (axis == null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = [...new Set(list.map((a) => normAxis(a, ndim, where)))];
  if (out.length !== list.length) throw new ArgumentError(`${where}: repeated axis in ${fmt(list)}`);
  return out.sort((a, b) => a - b);
}

export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast (dim ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that view `l` expanded to `shape` (stride 0 on broadcast dims). */
export function expandStrides(l: Layout, shape: readonly number[], op: string): number[] {
  const lead = shape.length - l.shape.length;
  if (lead < 0) throw new ShapeError(`${op}: cannot expand ${fmt(l.shape)} to fewer dims ${fmt(shape)}`);
  return shape.map((d, i) => {
    if (i < lead) return 0;
    const sd = l.shape[i - lead]!;
    if (sd === d) return l.strides[i - lead]!;
    if (sd === 1) return 0;
    throw new ShapeError(`${op}: cannot expand ${fmt(l.shape)} to ${fmt(shape)} (dim ${i}: ${sd} vs ${d})`);
  });
}

/** Resolve one -1 in a target shape. */
export function inferShape(shape: readonly number[], n: number, op: string, from?: readonly number[]): number[] {
  const src = from ? ` (input shape ${fmt(from)})` : '';
  const out = [...shape];
  const neg = out.indexOf(-1);
  if (neg !== out.lastIndexOf(-1)) throw new ShapeError(`${op}: only one -1 allowed in ${fmt(shape)}`);
  for (const d of out) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) throw new ShapeError(`${op}: bad shape ${fmt(shape)}`);
  }
  if (neg >= 0) {
    const rest = numel(out.filter((_, i) => i !== neg));
    if (rest === 0 || n % rest !== 0) throw new ShapeError(`${op}: cannot infer -1 in ${fmt(shape)} for ${n} elements${src}`);
    out[neg] = n / rest;
  }
  if (numel(out) !== n) throw new ShapeError(`${op}: shape ${fmt(shape)} does not hold ${n} elements${src}`);
  return out;
}

/**
 * Strides for viewing `l` as `shape` without copying, or null when impossible.
 * Works dim-group by dim-group, as PyTorch's view does.
 */
export function viewStrides(l: Layout, shape: readonly number[]): number[] | null {
  if (isContiguous(l)) return contiguousStrides(shape);
  const os = l.shape.filter((d) => d !== 1);
  const ost = l.strides.filter((_, i) => l.shape[i] !== 1);
  const out = new Array<number>(shape.length).fill(0);
  let oi = 0; // index into old (size>1) dims
  let ni = 0;
  while (ni < shape.length) {
    if (shape[ni] === 1) { out[ni] = 1; ni++; continue; }
    if (oi >= os.length) return null;
    // gather an old chunk that is contiguous in memory and a new chunk of the same size
    let oldSize = os[oi]!;
    const chunkStart = oi;
    let newSize = shape[ni]!;
    const newStart = ni;
    while (oldSize !== newSize) {
      if (oldSize < newSize) {
        oi++;
        if (oi >= os.length) return null;
        if (ost[oi - 1] !== ost[oi]! * os[oi]!) return null;
        oldSize *= os[oi]!;
      } else {
        ni++;
        while (ni < shape.length && shape[ni] === 1) ni++;
        if (ni >= shape.length) return null;
        newSize *= shape[ni]!;
      }
    }
    let st = ost[oi]!;
    for (let k = ni; k >= newStart; k--) {
      if (shape[k] === 1) { out[k] = st; continue; }
      out[k] = st;
      st *= shape[k]!;
    }
    void chunkStart;
    oi++;
    ni++;
  }
  return out;
}

/** A strided iteration space after coalescing: shape, and each operand's strides along it. */
export interface Coalesced {
  shape: number[];
  /** strides[q][d]: operand q's stride along dim d. */
  strides: number[][];
}

/**
 * For kernel authors: drop size-1 dims and merge neighbouring dims wherever every operand is
 * contiguous across them, so contiguous and scalar-broadcast operands become one flat row.
 * A space with a zero-size dim becomes shape [0].
 */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): Coalesced {
  if (shape.some((n) => n === 0)) return { shape: [0], strides: strides.map(() => [0]) };
  const out: Coalesced = { shape: [], strides: strides.map(() => []) };
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = out.shape.length - 1;
    if (last >= 0 && strides.every((s, q) => out.strides[q]![last] === s[d]! * n)) {
      out.shape[last]! *= n;
      strides.forEach((s, q) => { out.strides[q]![last] = s[d]!; });
    } else {
      out.shape.push(n);
      strides.forEach((s, q) => { out.strides[q]!.push(s[d]!); });
    }
  }
  return out;
}
