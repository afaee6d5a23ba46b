/**
 * Strided iteration shared by every elementwise kernel. Views are first coalesced (core's
 * `coalesce`), so a contiguous or scalar-broadcast operand becomes one flat loop and most others two.
 */
export { coalesce, type Coalesced } from '@tessera/core';
import type { Coalesced } from '@tessera/core';

/** True when the view is row-major contiguous from its offset. */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expect = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expect) return false;
    expect *= shape[d];
  }
  return true;
}

/**
 * Walk a coalesced iteration space row by row (the last dim is the row) in row-major order.
 * `fn(starts, len, steps)` gets each operand's row start, the row length and each operand's step.
 * A 0-d space is one row of length 1.
 */
export function forEachRow(
  c: Coalesced,
  offsets: readonly number[],
  fn: (starts: readonly number[], len: number, steps: readonly number[]) => void,
): void {
  const nd = c.shape.length;
  const nq = offsets.length;
  if (c.shape.some((n) => n === 0)) return;
  if (nd === 0) { fn(offsets, 1, offsets.map(() => 0)); return; }
  const len = c.shape[nd - 1];
  const steps = c.strides.map((s) => s[nd - 1]);
  const outer = nd - 1;
  const idx = new Array<number>(outer).fill(0);
  const cur = offsets.slice();
  let rows = 1;
  for (let d = 0; d < outer; d++) rows *= c.shape[d];
  for (let r = 0; r < rows; r++) {
    fn(cur, len, steps);
    for (let d = outer - 1; d >= 0; d--) {
      for (let q = 0; q < nq; q++) cur[q] += c.strides[q][d];
      if (++idx[d] < c.shape[d]) break;
      for (let q = 0; q < nq; q++) cur[q] -= c.strides[q][d] * c.shape[d];
      idx[d] = 0;
    }
  }
}
