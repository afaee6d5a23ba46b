import type { KernelArgs } from '@tessera/core';
import { num, raw, rows, storeFn, type NumArray } from './arrays.js';

/** y[r] = fn(row r) for a contiguous [outer, n] x: the shared driver of sum / max / min / argmax. */
export function reduceRows(args: KernelArgs, fn: (X: NumArray, start: number, n: number) => number): void {
  const x = args.inputs[0], y = args.outputs[0];
  const X = num(x), Y = raw(y), store = storeFn(y.dtype);
  const { outer, n } = rows(x);
  for (let r = 0; r < outer; r++) store(Y, y.offset + r, fn(X, x.offset + r * n, n));
}
