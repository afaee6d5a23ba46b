import { ShapeError, bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, type DType, type TensorView } from '@tessera/core';
import type { CpuData, RawArray } from '../storage.js';

export type { RawArray };
/** Typed arrays whose elements are plain numbers (no 16-bit float bits). */
export type NumArray = Float32Array | Int32Array | Int8Array | Uint8Array;

// dtype lists kernels declare; core casts anything else (f16/bf16 -> float32) around them.
export const FLOAT32: readonly DType[] = ['float32'];
export const NUMERIC: readonly DType[] = ['float32', 'int32', 'int8', 'uint8'];
export const NUMERIC_BOOL: readonly DType[] = [...NUMERIC, 'bool'];
export const ALL_DTYPES: readonly DType[] = [...NUMERIC_BOOL, 'float16', 'bfloat16'];

/** The raw typed array over a view's whole allocation; index it from `view.offset`. */
export function raw(v: TensorView): RawArray {
  return (v.data as CpuData).typed(v.dtype);
}

/** `raw` for dtypes core never hands over as 16-bit floats (kernels declaring NUMERIC / FLOAT32). */
export function num(v: TensorView): NumArray {
  return raw(v) as NumArray;
}

export function f32(v: TensorView): Float32Array {
  return raw(v) as Float32Array;
}

export function i32(v: TensorView): Int32Array {
  return raw(v) as Int32Array;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Number from stored element bits (identity except f16 / bf16). */
export function decoder(dtype: DType): ((x: number) => number) | undefined {
  if (dtype === 'float16') return f16ToF32;
  if (dtype === 'bfloat16') return bf16ToF32;
  return undefined;
}

const toBool = (x: number): number => (x !== 0 ? 1 : 0); // NaN != 0 -> true, as in PyTorch

/**
 * Stored bits from a number, or undefined where the typed-array store already does the right thing:
 * Float32Array rounds to nearest even, Int32/Int8/Uint8Array truncate toward zero and wrap.
 */
export function encoder(dtype: DType): ((x: number) => number) | undefined {
  if (dtype === 'float16') return f32ToF16;
  if (dtype === 'bfloat16') return f32ToBf16;
  if (dtype === 'bool') return toBool;
  return undefined;
}

/** Store a number into element i of a view's array, converting for the view's dtype. */
export function storeFn(dtype: DType): (a: RawArray, i: number, x: number) => void {
  const enc = encoder(dtype);
  return enc ? (a, i, x) => { a[i] = enc(x); } : (a, i, x) => { a[i] = x; };
}

/** Shape as [outer, d, inner] of a gather-like operand; core reshapes to exactly this. */
export function dims3(v: TensorView, op: string): [number, number, number] {
  if (v.shape.length !== 3) throw new ShapeError(`cpu ${op}: expected a [outer, d, inner] view, got shape [${v.shape.join(', ')}]`);
  return [v.shape[0], v.shape[1], v.shape[2]];
}

/** Row length and row count of a contiguous [outer, n] operand (n = last dim): core's one definition. */
export { rows } from '@tessera/core';
