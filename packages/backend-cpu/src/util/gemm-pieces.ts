import type { GemmFn } from './gemm.js';

/**
 * Batched GEMM split into pieces: the unit of work one thread runs. Self-contained (shipped to
 * workers as source text, like createGemm).
 *
 * p = [aOff, aBatch, rsA, csA, bOff, bBatch, rsB, csB, cOff, cBatch, ldc, k] (elements; batch
 * strides may be 0); pieces = [batch, i0, i1, j0, j1, ...]: C[b, i0:i1, j0:j1] = A[b, i0:i1, :] · B[b, :, j0:j1].
 */
export function runPieces(gemm: GemmFn, A: Float32Array, B: Float32Array, C: Float32Array, p: readonly number[], pieces: readonly number[]): void {
  const [aOff, aBatch, rsA, csA, bOff, bBatch, rsB, csB, cOff, cBatch, ldc, k] = p;
  for (let q = 0; q < pieces.length; q += 5) {
    const b = pieces[q], i0 = pieces[q + 1], i1 = pieces[q + 2], j0 = pieces[q + 3], j1 = pieces[q + 4];
    gemm(
      A, aOff + b * aBatch + i0 * rsA, rsA, csA,
      B, bOff + b * bBatch + j0 * csB, rsB, csB,
      C, cOff + b * cBatch + i0 * ldc + j0, ldc,
      i1 - i0, j1 - j0, k,
    );
  }
}

/** The whole problem as pieces, one per batch. */
export function wholePieces(batch: number, m: number, n: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) out.push(b, 0, m, 0, n);
  return out;
}

/**
 * Split [batch, m, n] among `threads`: by rows of the flattened batch×m when there are enough of
 * them (each thread packs B for itself, O(kn), negligible), else by columns (a long-n GEMV-like
 * product). Chunks are multiples of the register tile (4 rows, 3 columns).
 */
export function splitPieces(batch: number, m: number, n: number, threads: number): number[][] {
  const parts: number[][] = Array.from({ length: threads }, () => []);
  const rowsTotal = batch * m;
  if (rowsTotal >= 4 * threads) {
    const chunk = Math.ceil(rowsTotal / threads / 4) * 4;
    for (let t = 0; t < threads; t++) {
      let r = t * chunk;
      const end = Math.min(rowsTotal, r + chunk);
      while (r < end) {
        const b = Math.floor(r / m), i0 = r - b * m, i1 = Math.min(m, i0 + (end - r));
        parts[t].push(b, i0, i1, 0, n);
        r += i1 - i0;
      }
    }
  } else {
    const chunk = Math.ceil(n / threads / 3) * 3;
    for (let t = 0; t < threads; t++) {
      const j0 = t * chunk, j1 = Math.min(n, j0 + chunk);
      if (j0 < j1) for (let b = 0; b < batch; b++) parts[t].push(b, 0, m, j0, j1);
    }
  }
  return parts;
}
