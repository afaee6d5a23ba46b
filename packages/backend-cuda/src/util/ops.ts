import {
  BYTES_PER_ELEMENT, coalesce as coalesceViews, contiguousStrides, numel, type Coalesced, type DType, type KernelArgs, type TensorView,
} from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import type { Ptr } from '../addon.js';

// dtype lists kernels declare; core casts the rest (f16/bf16 -> float32, int8/uint8/bool -> int32).
export const FLOAT32: readonly DType[] = ['float32'];
export const FLOATS: readonly DType[] = ['float32', 'float16', 'bfloat16'];
export const FLOATS_I32: readonly DType[] = ['float32', 'float16', 'bfloat16', 'int32'];
export const F32_I32: readonly DType[] = ['float32', 'int32'];
export const ALL_DTYPES: readonly DType[] = ['float32', 'float16', 'bfloat16', 'int32', 'int8', 'uint8', 'bool'];

/** dtype codes of native/cuda/include/tessera_cuda.h */
export const DT: Readonly<Record<DType, number>> = { float32: 0, float16: 1, bfloat16: 2, int32: 3, int8: 4, uint8: 5, bool: 6 };

export const UNARY = { neg: 0, exp: 1, log: 2, sqrt: 3, rsqrt: 4, sin: 5, cos: 6, tanh: 7, abs: 8, sigmoid: 9, erf: 10, geluErf: 11, geluTanh: 12 } as const;
export const BINARY = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, lt: 7, le: 8, eq: 9 } as const;
export const REDUCE = { sum: 0, max: 1, min: 2, argmax: 3 } as const;

export type Args = KernelArgs<any, CudaBackend>;

export const esize = (v: TensorView): number => BYTES_PER_ELEMENT[v.dtype];
/** Device address of a view's first element. */
export const addr = (v: TensorView): Ptr => (v.data as number) + v.offset * BYTES_PER_ELEMENT[v.dtype];

export const MAX_DIMS = 8;

/** Core's coalescing, limited to the dims the native descriptors hold. */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): Coalesced {
  const out = coalesceViews(shape, strides);
  if (out.shape.length > MAX_DIMS) throw new Error(`cuda: views with more than ${MAX_DIMS} non-mergeable dims are not supported`);
  return out;
}

export { contiguousStrides, numel };

/** [outer, n] of a contiguous tensor over its last axis. */
export function rows(v: TensorView): [number, number] {
  const n = v.shape.length ? v.shape[v.shape.length - 1]! : 1;
  return [n ? numel(v.shape) / n : numel(v.shape.slice(0, -1)), n];
}

export function runUnary({ backend: { native }, inputs: [x], outputs: [y] }: Args, op: number): void {
  const c = coalesce(y!.shape, [x!.strides, y!.strides]);
  if (numel(c.shape) === 0) return;
  native.unary(op, DT[x!.dtype], addr(x!), addr(y!), c.shape, c.strides[0]!, c.strides[1]!);
}

export function runBinary({ backend: { native }, inputs: [a, b], outputs: [y] }: Args, op: number): void {
  const c = coalesce(y!.shape, [a!.strides, b!.strides, contiguousStrides(y!.shape)]);
  if (numel(c.shape) === 0) return;
  native.binary(op, DT[a!.dtype], addr(a!), addr(b!), addr(y!), c.shape, c.strides[0]!, c.strides[1]!, c.strides[2]!);
}

export function runReduce({ backend: { native }, inputs: [x], outputs: [y] }: Args, op: number): void {
  const n = x!.shape.length ? x!.shape[x!.shape.length - 1]! : 1;
  const outer = numel(y!.shape);
  if (outer === 0) return;
  native.reduce(op, DT[x!.dtype], addr(x!), addr(y!), outer, n);
}
