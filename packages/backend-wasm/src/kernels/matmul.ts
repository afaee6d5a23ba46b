import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32 } from '../util/ops.js';

/** Below this many multiply-adds one thread wins (worker hand-off costs ~10-20 µs). */
const THREAD_MIN_MACS = 1 << 18;
/** The same while the workers sleep (see Pool.warm): 2^25 multiply-adds take ~1.4 ms on one thread. */
const COLD_THREAD_MIN_MACS = 1 << 25;
/**
 * Skinny products (fewer rows than 8 per thread, split over N) are bound by reading B: measured at
 * [1, 768] x [768, 3072], 2 threads took 0.94 ms against 0.73 ms on one, so they stay on one thread
 * until they are much larger.
 */
const SKINNY_THREAD_MIN_MACS = 1 << 24;
/** Shared packed B is at most this many floats (16 MiB); wider B goes in column chunks. */
const PACKED_B_FLOATS = 1 << 22;
/**
 * Output tiles of at most MAX_TM rows (the per-thread packed A block, MC in gemm.c) x MAX_TN
 * columns. Measured at 1024³ on 2 threads with KC 256: 128 x 512 ran 1.85x one thread, 64 x 1024
 * 1.75x, 128 x 256 1.80x; with KC 512, 512 columns still ran ahead of 256.
 */
const MR = 4, NR = 8, PACK_COLS = 64, MAX_TM = 128, MAX_TN = 512;

const up = (x: number, m: number) => Math.ceil(x / m) * m;

export interface SharedTiling {
  /** Columns of B packed per chunk. */
  nb: number;
  /** Tile rows and columns. */
  tm: number;
  tn: number;
  /** The last `tail` rows go in tiles of `tm2` rows. */
  tail: number;
  tm2: number;
}

/**
 * Mode 3 tiling: column chunks of B that fit PACKED_B_FLOATS; at least 4 tiles per thread so that
 * dynamic hand-out evens out unequal cores; and about one tile per thread's worth of rows at the
 * bottom in quarter-height tiles, so that the threads finish within a short tile of each other.
 */
export function sharedTiling(M: number, N: number, K: number, threads: number): SharedTiling {
  const fit = Math.max(PACK_COLS, Math.floor(PACKED_B_FLOATS / Math.max(K, 1) / PACK_COLS) * PACK_COLS);
  const nb = Math.min(up(N, NR), fit);
  const want = threads * 4;
  let tm = Math.min(MAX_TM, up(M, MR));
  let colTiles = Math.ceil(nb / MAX_TN);
  while (Math.ceil(M / tm) * colTiles < want && tm > 32) tm = Math.max(32, up(tm / 2, MR)); // shorter tiles re-read B more
  while (Math.ceil(M / tm) * colTiles < want && nb / colTiles >= 2 * NR * 8) colTiles *= 2;
  const tn = up(Math.ceil(nb / colTiles), NR);
  colTiles = Math.ceil(nb / tn);
  const tm2 = Math.max(MR, up(tm / 4, MR));
  let tail = up(Math.ceil((threads * tm) / colTiles), tm2);
  if (tail > M / 2) tail = Math.floor(M / 2 / tm2) * tm2;
  return { nb, tm, tn, tail, tm2 };
}

export interface MatmulPlan {
  /** 3: shared packed B + dynamic tiles; 2: split the batch; 0: split M rows; 1: split N (skinny M). */
  mode: 0 | 1 | 2 | 3;
  threads: number;
}

/**
 * How a [batch, M, K] x [batch, K, N] product runs on `pool` threads; `warm`: the workers still spin
 * (Pool.warm). One big product: shared packed B + dynamic tiles; else split the batch when it feeds
 * every thread, else M rows (tiles of 4), or N for skinny M.
 */
export function matmulPlan(batch: number, M: number, N: number, K: number, pool: number, warm: boolean): MatmulPlan {
  const macs = batch * M * N * K;
  const minMacs = warm ? THREAD_MIN_MACS : COLD_THREAD_MIN_MACS;
  const shared = batch === 1 && M >= 8 * pool && K > 0 && pool > 1 && macs >= minMacs;
  const mode = shared ? 3 : batch >= pool * 2 || (batch >= pool && M * N * K < 1 << 21) ? 2 : M >= 8 * pool ? 0 : 1;
  const threads = macs >= (mode === 1 ? Math.max(SKINNY_THREAD_MIN_MACS, minMacs) : minMacs) ? pool : 1;
  return { mode, threads };
}

// transA / transB need no branch: the C GEMM packs from any row / column strides.
export default defineKernel<'matmul', WasmBackend>('matmul', {
  dtypes: FLOAT32,
  run: ({ backend: { rt }, inputs: [a, b], outputs: [c] }) => {
    const [batch, M, K] = a!.shape as [number, number, number];
    const N = b!.shape[2]!;
    if (batch * M * N === 0) return;
    const { mode, threads } = matmulPlan(batch, M, N, K, rt.pool ? rt.threads : 1, rt.pool?.warm() ?? false);
    const [total, grain] = mode === 3 ? [threads, 1] : mode === 2 ? [batch, 1] : mode === 0 ? [M, 4] : [N, 8];
    const [scratch, stride] = rt.threadScratch(rt.exports.gemm_scratch_bytes());
    let packb = 0, tiling: SharedTiling = { nb: 0, tm: 0, tn: 0, tail: 0, tm2: MR };
    if (mode === 3) {
      tiling = sharedTiling(M, N, K, threads);
      packb = rt.heap.alloc(K * tiling.nb * 4 + 64);
    }
    try {
      const job = rt.matmulJob([
        batch, M, N, K, rt.addr(a!), rt.addr(b!), c!.data as number,
        a!.strides[0]!, a!.strides[1]!, a!.strides[2]!, b!.strides[0]!, b!.strides[1]!, b!.strides[2]!,
        scratch, stride, mode, (packb + 63) & ~63, tiling.nb, tiling.tm, tiling.tn, tiling.tail, tiling.tm2,
      ]);
      if (threads > 1) rt.pool!.run(0, [job], total, grain, threads);
      else rt.exports.matmul_part(job, 0, total, 0);
    } finally {
      if (packb) rt.heap.free(packb);
    }
  },
});
