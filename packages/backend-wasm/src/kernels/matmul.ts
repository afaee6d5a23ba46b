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

// transA / transB need no branch: the C GEMM packs from any row / column strides.
export default defineKernel<'matmul', WasmBackend>('matmul', {
  dtypes: FLOAT32,
  run: ({ backend: { rt }, inputs: [a, b], outputs: [c] }) => {
    const [batch, M, K] = a!.shape as [number, number, number];
    const N = b!.shape[2]!;
    if (batch * M * N === 0) return;
    const pool = rt.pool ? rt.threads : 1;
    // split the batch when it feeds every thread; else M rows (tiles of 4), or N for skinny M
    const mode = batch >= pool * 2 || (batch >= pool && M * N * K < 1 << 21) ? 2 : M >= 8 * pool ? 0 : 1;
    const threads = batch * M * N * K >= (mode === 1 ? SKINNY_THREAD_MIN_MACS : THREAD_MIN_MACS) ? pool : 1;
    const [total, grain] = mode === 2 ? [batch, 1] : mode === 0 ? [M, 4] : [N, 8];
    const [scratch, stride] = rt.threadScratch(rt.exports.gemm_scratch_bytes());
    const job = rt.matmulJob([
      batch, M, N, K, rt.addr(a!), rt.addr(b!), c!.data as number,
      a!.strides[0]!, a!.strides[1]!, a!.strides[2]!, b!.strides[0]!, b!.strides[1]!, b!.strides[2]!,
      scratch, stride, mode,
    ]);
    if (threads > 1) rt.pool!.run(0, [job], total, grain, threads);
    else rt.exports.matmul_part(job, 0, total, 0);
  },
});
