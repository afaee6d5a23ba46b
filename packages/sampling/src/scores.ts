/**
 * Host-side helpers over one row of scores (a Float32Array of the vocabulary): the processors run on
 * the logits of the last position, read back once per step, as HF's run on [batch, vocab].
 */

/** Softmax of a row into a new Float64Array (−Infinity → 0). */
export function softmax(row: ArrayLike<number>): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > m) m = row[i]!;
  const p = new Float64Array(row.length);
  if (m === -Infinity) return p;
  let s = 0;
  for (let i = 0; i < row.length; i++) s += p[i] = Math.exp(row[i]! - m);
  for (let i = 0; i < row.length; i++) p[i]! /= s;
  return p;
}

/** Log-softmax of a row (Float64Array). */
export function logSoftmax(row: ArrayLike<number>): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > m) m = row[i]!;
  let s = 0;
  for (let i = 0; i < row.length; i++) s += Math.exp(row[i]! - m);
  const lse = m + Math.log(s);
  const out = new Float64Array(row.length);
  for (let i = 0; i < row.length; i++) out[i] = row[i]! - lse;
  return out;
}

/** Indices sorted by `key` descending; ties keep the lower index first (a stable sort). */
export function argsortDesc(key: ArrayLike<number>): number[] {
  return Array.from({ length: key.length }, (_, i) => i).sort((a, b) => key[b]! - key[a]! || a - b);
}

/** Indices sorted by `key` ascending; ties keep the lower index first. */
export function argsortAsc(key: ArrayLike<number>): number[] {
  return Array.from({ length: key.length }, (_, i) => i).sort((a, b) => key[a]! - key[b]! || a - b);
}

/** Set every index of `row` not in `keep` to −Infinity. */
export function keepOnly(row: Float32Array, keep: Set<number>): void {
  for (let i = 0; i < row.length; i++) if (!keep.has(i)) row[i] = -Infinity;
}

/** The `n` indices of the largest scores (ties: lower index first). */
export function topIndices(row: ArrayLike<number>, n: number): number[] {
  return argsortDesc(row).slice(0, n);
}

/** Only `ids` stay possible (score 0), every other token −Infinity. */
export function force(s: Float32Array, ids: readonly number[]): void {
  const keep = new Set(ids);
  for (let i = 0; i < s.length; i++) s[i] = keep.has(i) ? 0 : -Infinity;
}

/** How often each token occurs in the last `lastN` ids. */
export function tokenCounts(ids: Int32Array, lastN = Infinity): Map<number, number> {
  const c = new Map<number, number>();
  for (let i = Math.max(0, ids.length - lastN); i < ids.length; i++) c.set(ids[i]!, (c.get(ids[i]!) ?? 0) + 1);
  return c;
}
