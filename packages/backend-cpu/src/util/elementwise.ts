import type { KernelArgs, TensorView } from '@tessera/core';
import { raw, sizeOf } from './arrays.js';
import { coalesce, forEachRow, isContiguous } from './strided.js';

/**
 * The shared drivers of every elementwise kernel: inputs are any strided view of the output's
 * shape (stride 0 = broadcast), the output is contiguous. Values are JS numbers (float64) and the
 * typed-array store gives float32 rounding / integer wrap-around.
 */
export type Unary = (x: number) => number;
export type Binary = (a: number, b: number) => number;

/** y[i] = f(x[i]) over a strided x; x and y may differ in dtype (cast). */
export function mapUnary(x: TensorView, y: TensorView, f: Unary): void {
  const X = raw(x), Y = raw(y);
  let yi = y.offset;
  if (isContiguous(x.shape, x.strides)) {
    const n = sizeOf(y.shape), xo = x.offset - yi;
    for (const end = yi + n; yi < end; yi++) Y[yi] = f(X[xo + yi]);
    return;
  }
  forEachRow(coalesce(x.shape, [x.strides]), [x.offset], (s, len, st) => {
    const sx = st[0];
    for (let i = 0, xi = s[0]; i < len; i++, xi += sx) Y[yi++] = f(X[xi]);
  });
}

export function runUnary(args: KernelArgs, f: Unary): void {
  mapUnary(args.inputs[0], args.outputs[0], f);
}

/** y = f(a, b) with a, b strided views of y's shape and one dtype. */
export function mapBinary(a: TensorView, b: TensorView, y: TensorView, f: Binary): void {
  const A = raw(a), B = raw(b), Y = raw(y);
  let yi = y.offset;
  if (isContiguous(a.shape, a.strides) && isContiguous(b.shape, b.strides)) {
    const n = sizeOf(y.shape), ao = a.offset - yi, bo = b.offset - yi;
    for (const end = yi + n; yi < end; yi++) Y[yi] = f(A[ao + yi], B[bo + yi]);
    return;
  }
  forEachRow(coalesce(y.shape, [a.strides, b.strides]), [a.offset, b.offset], (s, len, st) => {
    const sa = st[0], sb = st[1];
    for (let i = 0, ai = s[0], bi = s[1]; i < len; i++, ai += sa, bi += sb) Y[yi++] = f(A[ai], B[bi]);
  });
}

export function runBinary(args: KernelArgs, f: Binary): void {
  mapBinary(args.inputs[0], args.inputs[1], args.outputs[0], f);
}

/** y = cond ? a : b, moving raw element bits (so every dtype, f16 / bf16 included, works). */
export function mapWhere(cond: TensorView, a: TensorView, b: TensorView, y: TensorView): void {
  const C = raw(cond), A = raw(a), B = raw(b), Y = raw(y);
  let yi = y.offset;
  forEachRow(coalesce(y.shape, [cond.strides, a.strides, b.strides]), [cond.offset, a.offset, b.offset], (s, len, st) => {
    const sc = st[0], sa = st[1], sb = st[2];
    for (let i = 0, ci = s[0], ai = s[1], bi = s[2]; i < len; i++, ci += sc, ai += sa, bi += sb) {
      Y[yi++] = C[ci] ? A[ai] : B[bi];
    }
  });
}

/** Materialise a strided view into contiguous y of the same dtype (raw bits). */
export function copyStrided(x: TensorView, y: TensorView): void {
  const X = raw(x), Y = raw(y);
  // y may be a strided window into a larger allocation (cat / pad / slice gradients)
  if (isContiguous(x.shape, x.strides) && isContiguous(y.shape, y.strides)) {
    Y.set(X.subarray(x.offset, x.offset + sizeOf(y.shape)), y.offset);
    return;
  }
  forEachRow(coalesce(x.shape, [x.strides, y.strides]), [x.offset, y.offset], (s, len, st) => {
    const [sx, sy] = st;
    if (sx === 1 && sy === 1 && len >= 32) {
      Y.set(X.subarray(s[0], s[0] + len), s[1]);
    } else {
      for (let i = 0, xi = s[0], yi = s[1]; i < len; i++, xi += sx, yi += sy) Y[yi] = X[xi];
    }
  });
}
