import {
  BINARY_CODES, BYTES_PER_ELEMENT, DTYPE_CODES, REDUCE_CODES, UNARY_CODES, UNARY_OPS, coalesceForKernel, contiguousStrides, numel, rows,
  type BinaryOp, type DType, type KernelArgs, type ReduceOp, type TensorView, type UnaryOp,
} from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import type { Ptr } from '../addon.js';

// dtype lists kernels declare; core casts the rest (f16/bf16 -> float32, int8/uint8/bool -> int32).
export const FLOAT32: readonly DType[] = ['float32'];
export const FLOATS: readonly DType[] = ['float32', 'float16', 'bfloat16'];
export const FLOATS_I32: readonly DType[] = ['float32', 'float16', 'bfloat16', 'int32'];
export const F32_I32: readonly DType[] = ['float32', 'int32'];
export const ALL_DTYPES: readonly DType[] = ['float32', 'float16', 'bfloat16', 'int32', 'int8', 'uint8', 'bool'];

/** This backend's own unary codes after core's (U_GELU_ERF / U_GELU_TANH in tessera_cuda.h). */
export const GELU_CODES = { none: UNARY_OPS.length, tanh: UNARY_OPS.length + 1 } as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one argument type for the kernels of every op (attributes differ per op)
export type Args = KernelArgs<any, CudaBackend>;

export const esize = (v: TensorView): number => BYTES_PER_ELEMENT[v.dtype];
/** Device address of a view's first element. */
export const addr = (v: TensorView): Ptr => (v.data as number) + v.offset * BYTES_PER_ELEMENT[v.dtype];

export { DTYPE_CODES, coalesceForKernel, contiguousStrides, numel, rows };

export function runUnary({ backend: { native }, inputs: [x], outputs: [y] }: Args, op: UnaryOp): void {
  const c = coalesceForKernel(`cuda ${op}`, y!.shape, [x!.strides, y!.strides]);
  if (numel(c.shape) === 0) return;
  native.unary(UNARY_CODES[op], DTYPE_CODES[x!.dtype], addr(x!), addr(y!), c.shape, c.strides[0]!, c.strides[1]!);
}

export function runBinary({ backend: { native }, inputs: [a, b], outputs: [y] }: Args, op: BinaryOp): void {
  const c = coalesceForKernel(`cuda ${op}`, y!.shape, [a!.strides, b!.strides, contiguousStrides(y!.shape)]);
  if (numel(c.shape) === 0) return;
  native.binary(BINARY_CODES[op], DTYPE_CODES[a!.dtype], addr(a!), addr(b!), addr(y!), c.shape, c.strides[0]!, c.strides[1]!, c.strides[2]!);
}

export function runReduce({ backend: { native }, inputs: [x], outputs: [y] }: Args, op: ReduceOp): void {
  const n = x!.shape.length ? x!.shape[x!.shape.length - 1]! : 1;
  const outer = numel(y!.shape);
  if (outer === 0) return;
  native.reduce(REDUCE_CODES[op], DTYPE_CODES[x!.dtype], addr(x!), addr(y!), outer, n);
}
