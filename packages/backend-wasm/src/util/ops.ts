import { BYTES_PER_ELEMENT, type DType, type KernelArgs, type TensorView } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { coalesce, contiguousStrides, numel } from './strided.js';

// dtype lists kernels declare; core casts the rest (f16/bf16 -> float32, int8/uint8/bool -> int32).
export const FLOAT32: readonly DType[] = ['float32'];
export const F32_I32: readonly DType[] = ['float32', 'int32'];
export const ALL_DTYPES: readonly DType[] = ['float32', 'float16', 'bfloat16', 'int32', 'int8', 'uint8', 'bool'];

export const UNARY = { neg: 0, exp: 1, log: 2, sqrt: 3, rsqrt: 4, sin: 5, cos: 6, tanh: 7, abs: 8, sigmoid: 9, erf: 10 } as const;
export const BINARY = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, lt: 7, le: 8, eq: 9 } as const;
export const REDUCE = { sum: 0, max: 1, min: 2, argmax: 3 } as const;

type Args = KernelArgs<any, WasmBackend>;

export const esize = (v: TensorView): number => BYTES_PER_ELEMENT[v.dtype];

export function runUnary({ backend: { rt }, inputs: [x], outputs: [y] }: Args, op: number): void {
  const c = coalesce(x!.shape, [x!.strides, y!.strides]);
  const desc = rt.writeDesc(c.shape, c.strides);
  rt.exports.unary(op, x!.dtype === 'int32' ? 1 : 0, x!.data, x!.offset, y!.data, y!.offset, desc);
}

export function runBinary({ backend: { rt }, inputs: [a, b], outputs: [y] }: Args, op: number): void {
  const c = coalesce(y!.shape, [a!.strides, b!.strides, contiguousStrides(y!.shape)]);
  const desc = rt.writeDesc(c.shape, c.strides);
  rt.exports.binary(op, a!.dtype === 'int32' ? 1 : 0, a!.data, a!.offset, b!.data, b!.offset, y!.data, y!.offset, desc);
}

/** [outer, n] rows of a contiguous input. */
export function runReduce({ backend: { rt }, inputs: [x], outputs: [y] }: Args, op: number): void {
  const n = x!.shape[x!.shape.length - 1] ?? 1;
  const outer = numel(y!.shape);
  rt.parallel('reduce_rows', [op, x!.dtype === 'int32' ? 1 : 0, rt.addr(x!), rt.addr(y!), n], outer, 1, outer * n);
}

/** [outer, n] view of a contiguous tensor over its last axis. */
export function rows(v: TensorView): [number, number] {
  const n = v.shape.length ? v.shape[v.shape.length - 1]! : 1;
  return [n ? numel(v.shape) / n : 0, n];
}
