import type { TensorView } from '@tessera/core';

/**
 * One query row's scores, scale · q_i · k_j + mask, for the keys it sees (j < seen), into `s`;
 * returns their max (-Infinity when the row sees no key). Shared by attention and its backward.
 */
export function scoreRow(
  q: TensorView, k: TensorView, mask: TensorView | undefined, Q: Float32Array, K: Float32Array, M: Float32Array | undefined,
  b: number, i: number, seen: number, scale: number, s: Float64Array,
): number {
  const d = q.shape[2]!;
  const [qb, qr, qc] = q.strides as number[], [kb, kr, kc] = k.strides as number[];
  const qi = q.offset + b * qb! + i * qr!;
  let max = -Infinity;
  for (let j = 0; j < seen; j++) {
    const kj = k.offset + b * kb! + j * kr!;
    let dot = 0;
    for (let t = 0; t < d; t++) dot += Q[qi + t * qc!]! * K[kj + t * kc!]!;
    let z = dot * scale;
    if (M) z += M[mask!.offset + b * mask!.strides[0]! + i * mask!.strides[1]! + j * mask!.strides[2]!]!;
    s[j] = z;
    if (z > max) max = z;
  }
  return max;
}
