import {
  BINARY_CODES, BYTES_PER_ELEMENT, REDUCE_CODES, UNARY_CODES, coalesceForKernel, contiguousStrides, numel, rows as coreRows,
  type BinaryOp, type DType, type KernelArgs, type ReduceOp, type TensorView, type UnaryOp,
} from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';

// dtype lists kernels declare; core casts the rest (f16/bf16 -> float32, int8/uint8/bool -> int32).
export const FLOAT32: readonly DType[] = ['float32'];
export const F32_I32: readonly DType[] = ['float32', 'int32'];
export const ALL_DTYPES: readonly DType[] = ['float32', 'float16', 'bfloat16', 'int32', 'int8', 'uint8', 'bool'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one argument type for the kernels of every op (attributes differ per op)
type Args = KernelArgs<any, WasmBackend>;

export const esize = (v: TensorView): number => BYTES_PER_ELEMENT[v.dtype];

export function runUnary({ backend: { rt }, inputs: [x], outputs: [y] }: Args, op: UnaryOp): void {
  const c = coalesceForKernel(`wasm ${op}`, x!.shape, [x!.strides, y!.strides]);
  const desc = rt.writeDesc(c.shape, c.strides);
  rt.exports.unary(UNARY_CODES[op], x!.dtype === 'int32' ? 1 : 0, x!.data, x!.offset, y!.data, y!.offset, desc);
}

export function runBinary({ backend: { rt }, inputs: [a, b], outputs: [y] }: Args, op: BinaryOp): void {
  const c = coalesceForKernel(`wasm ${op}`, y!.shape, [a!.strides, b!.strides, contiguousStrides(y!.shape)]);
  const desc = rt.writeDesc(c.shape, c.strides);
  rt.exports.binary(BINARY_CODES[op], a!.dtype === 'int32' ? 1 : 0, a!.data, a!.offset, b!.data, b!.offset, y!.data, y!.offset, desc);
}

/** [outer, n] rows of a contiguous input. */
export function runReduce({ backend: { rt }, inputs: [x], outputs: [y] }: Args, op: ReduceOp): void {
  const n = x!.shape[x!.shape.length - 1] ?? 1;
  const outer = numel(y!.shape);
  rt.parallel('reduce_rows', [REDUCE_CODES[op], x!.dtype === 'int32' ? 1 : 0, rt.addr(x!), rt.addr(y!), n], outer, 1, outer * n);
}

/**
 * Core's `rows` as [outer, n], for kernels/crossEntropy.ts (owned elsewhere this round; it can move
 * to core's object form and this adapter go).
 */
export function rows(v: TensorView): [number, number] {
  const r = coreRows(v);
  return [r.outer, r.n];
}
