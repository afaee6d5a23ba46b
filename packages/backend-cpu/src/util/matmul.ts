import type { TensorView } from '@tessera/core';
import { f32 } from './arrays.js';
import { canUseWorkers } from './env.js';
import { createGemm } from './gemm.js';
import { runPieces, wholePieces } from './gemm-pieces.js';
import { GemmPool } from './pool.js';

/**
 * Below this many multiply-adds (batch·m·n·k) a matmul stays on the calling thread: the hand-off
 * (≈35 µs round trip, plus copying operands into shared memory) costs more than it saves.
 * Measured here: 2 threads start to win at about 128³.
 */
export const PARALLEL_MIN_MACS = 128 ** 3;

/** The backend's matmul: one single-threaded GEMM plus an optional worker pool for large ones. */
export class MatmulEngine {
  private readonly gemm = createGemm();
  private readonly pool: GemmPool | undefined;

  constructor(readonly threads: number) {
    this.pool = threads > 1 && canUseWorkers() ? new GemmPool(threads, this.gemm) : undefined;
  }

  /** c[batch, m, n] = a[batch, m, k] · b[batch, k, n]; inner strides give the layout, so trans flags need no special case. */
  run(a: TensorView, b: TensorView, c: TensorView): void {
    const [batch, m, n] = c.shape;
    const k = a.shape[2];
    const A = f32(a), B = f32(b), C = f32(c);
    const p = [
      a.offset, a.strides[0], a.strides[1], a.strides[2],
      b.offset, b.strides[0], b.strides[1], b.strides[2],
      c.offset, m * n, n, k,
    ];
    if (this.pool && batch * m * n * k >= PARALLEL_MIN_MACS && this.pool.run({ A, B, C, p, batch, m, n, k })) return;
    runPieces(this.gemm, A, B, C, p, wholePieces(batch, m, n));
  }

  dispose(): void {
    this.pool?.dispose();
  }
}
