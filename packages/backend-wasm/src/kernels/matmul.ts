import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32 } from '../util/ops.js';

/** Below this many multiply-adds one thread wins (worker hand-off costs ~10-20 µs). */
const THREAD_MIN_MACS = 1 << 18;
/**
 * Skinny products (fewer rows than 8 per thread, split over N) are bound by reading B: measured at
 * [1, 768] x [768, 3072], 2 threads took 0.94 ms against 0.73 ms on one, so they stay on one thread
 * until they are much larger.
 */
const SKINNY_THREAD_MIN_MACS = 1 << 24;
/** Shared packed B is at most this many floats (16 MiB); wider B goes in column chunks. */
const PACKED_B_FLOATS = 1 << 22;
const MR = 4, NR = 8, PACK_COLS = 64, MAX_TM = 128;

const up = (x: number, m: number) => Math.ceil(x / m) * m;

/**
 * Mode 3 tiling: column chunks of B that fit PACKED_B_FLOATS, output tiles of tm rows x tn cols,
 * at least ~8 tiles per thread so that dynamic hand-out evens out unequal cores.
 */
export function sharedTiling(M: number, N: number, K: number, threads: number): { nb: number; tm: number; tn: number } {
  const fit = Math.max(PACK_COLS, Math.floor(PACKED_B_FLOATS / Math.max(K, 1) / PACK_COLS) * PACK_COLS);
  const nb = Math.min(up(N, NR), fit);
  const want = threads * 8;
  let tm = Math.min(MAX_TM, Math.max(MR, up(Math.ceil(M / want), MR)));
  if (tm < 32 && M >= 32) tm = 32; // shorter tiles re-read B too often
  let tn = nb;
  const rowTiles = Math.ceil(M / tm);
  if (rowTiles < want) tn = Math.max(NR * 8, up(Math.ceil(nb / Math.ceil(want / rowTiles)), NR));
  return { nb, tm, tn: Math.min(tn, nb) };
}

// transA / transB need no branch: the C GEMM packs from any row / column strides.
export default defineKernel<'matmul', WasmBackend>('matmul', {
  dtypes: FLOAT32,
  run: ({ backend: { rt }, inputs: [a, b], outputs: [c] }) => {
    const [batch, M, K] = a!.shape as [number, number, number];
    const N = b!.shape[2]!;
    if (batch * M * N === 0) return;
    const pool = rt.pool ? rt.threads : 1;
    // one big product: shared packed B + dynamic tiles; else split the batch when it feeds every
    // thread, else M rows (tiles of 4), or N for skinny M
    const shared = batch === 1 && M >= 8 * pool && K > 0 && pool > 1 && M * N * K >= THREAD_MIN_MACS;
    const mode = shared ? 3 : batch >= pool * 2 || (batch >= pool && M * N * K < 1 << 21) ? 2 : M >= 8 * pool ? 0 : 1;
    const threads = batch * M * N * K >= (mode === 1 ? SKINNY_THREAD_MIN_MACS : THREAD_MIN_MACS) ? pool : 1;
    const [total, grain] = mode === 3 ? [threads, 1] : mode === 2 ? [batch, 1] : mode === 0 ? [M, 4] : [N, 8];
    const [scratch, stride] = rt.threadScratch(rt.exports.gemm_scratch_bytes());
    let packb = 0, tiling = { nb: 0, tm: 0, tn: 0 };
    if (mode === 3) {
      tiling = sharedTiling(M, N, K, threads);
      packb = rt.heap.alloc(K * tiling.nb * 4 + 64);
    }
    try {
      const job = rt.matmulJob([
        batch, M, N, K, rt.addr(a!), rt.addr(b!), c!.data as number,
        a!.strides[0]!, a!.strides[1]!, a!.strides[2]!, b!.strides[0]!, b!.strides[1]!, b!.strides[2]!,
        scratch, stride, mode, (packb + 63) & ~63, tiling.nb, tiling.tm, tiling.tn,
      ]);
      if (threads > 1) rt.pool!.run(0, [job], total, grain, threads);
      else rt.exports.matmul_part(job, 0, total, 0);
    } finally {
      if (packb) rt.heap.free(packb);
    }
  },
});
