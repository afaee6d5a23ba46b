import { createGemm, type GemmFn } from './gemm.js';
import { runPieces, splitPieces } from './gemm-pieces.js';
import { startWorker, type WorkerHandle } from './env.js';

/** One matmul as the pool sees it: whole arrays plus runPieces' parameter vector. */
export interface GemmJob {
  A: Float32Array; B: Float32Array; C: Float32Array;
  /** [aOff, aBatch, rsA, csA, bOff, bBatch, rsB, csB, cOff, cBatch, ldc, k] */
  p: number[];
  batch: number; m: number; n: number; k: number;
}

interface ArrayRef { buf: SharedArrayBuffer; off: number; len: number }
interface WorkerMsg { ctl: SharedArrayBuffer; a: ArrayRef; b: ArrayRef; c: ArrayRef; p: number[]; pieces: number[] }

type NodePort = { on(e: 'message', f: (m: WorkerMsg) => void): void };

/** The worker's whole program; self-contained, shipped as source text. `port`: Node's parentPort, null in browsers. */
function workerMain(make: typeof createGemm, run: typeof runPieces, port: NodePort | null): void {
  const gemm = make();
  // Warm the JIT before the first real job (otherwise the first large matmul runs ≈2x slower here).
  const w = new Float32Array(128 * 128);
  for (let r = 0; r < 4; r++) gemm(w, 0, 128, 1, w, 0, 128, 1, new Float32Array(128 * 128), 0, 128, 128, 128, 128);
  const view = (r: ArrayRef) => new Float32Array(r.buf, r.off, r.len);
  const onJob = (m: WorkerMsg) => {
    const ctl = new Int32Array(m.ctl);
    try {
      run(gemm, view(m.a), view(m.b), view(m.c), m.p, m.pieces);
    } catch {
      Atomics.store(ctl, 1, 1);
    } finally {
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
    }
  };
  if (port) {
    port.on('message', onJob);
  } else {
    (globalThis as unknown as { onmessage: (e: { data: WorkerMsg }) => void }).onmessage = (e) => onJob(e.data);
  }
}

// Node-specific lookups live in this string, not in the functions: bundlers rewrite `require` in
// code they see (esbuild turns it into its own __require). `__name` guards against keepNames builds.
const workerSource = (): string =>
  `"use strict";var __name=function(f){return f};` +
  `var port=typeof require==="function"?require("node:worker_threads").parentPort:null;` +
  `(${workerMain.toString()})(${createGemm.toString()},${runPieces.toString()},port);`;

/** How long the first use waits for workers to boot (≈50 ms here) before giving up on them. */
const START_TIMEOUT_MS = 10_000;

/** Shared scratch buffers at most this big are kept between calls. */
const KEEP_SCRATCH_BYTES = 16 * 2 ** 20;

/**
 * threads-1 workers plus the calling thread split a matmul by rows (or columns). Operands that are
 * not already in shared memory are copied into shared scratch, C is copied back. The caller
 * blocks in Atomics.wait until the workers report, so `run` stays synchronous like every kernel.
 */
export class GemmPool {
  private workers: WorkerHandle[] | undefined;
  private failed = false;
  private readonly ctl = new Int32Array(new SharedArrayBuffer(8)); // [done count, error flag]
  private readonly scratch: (SharedArrayBuffer | undefined)[] = [];

  constructor(readonly threads: number, private readonly gemm: GemmFn) {}

  /** Run the job across threads; false if the pool cannot run here (the caller then runs it alone). */
  run(job: GemmJob): boolean {
    const workers = this.start();
    if (!workers) return false;
    const { batch, m, n, k } = job;
    const parts = splitPieces(batch, m, n, this.threads);
    const p = job.p.slice();
    const [aOff, aBatch, rsA, csA, bOff, bBatch, rsB, csB, cOff] = p;
    const last = (off: number, bs: number, rs: number, cs: number, rows: number, cols: number) =>
      off + (batch - 1) * bs + (rows - 1) * rs + (cols - 1) * cs + 1;
    const a = this.share(0, job.A, aOff, last(aOff, aBatch, rsA, csA, m, k));
    const b = this.share(1, job.B, bOff, last(bOff, bBatch, rsB, csB, k, n));
    const c = this.share(2, job.C, cOff, cOff + batch * m * n, false);
    p[0] -= a.shift; p[4] -= b.shift; p[8] -= c.shift;

    Atomics.store(this.ctl, 0, 0);
    Atomics.store(this.ctl, 1, 0);
    let posted = 0;
    for (let t = 1; t < this.threads; t++) {
      if (!parts[t].length) continue;
      const msg: WorkerMsg = { ctl: this.ctl.buffer as SharedArrayBuffer, a: a.ref, b: b.ref, c: c.ref, p, pieces: parts[t] };
      workers[t - 1].postMessage(msg);
      posted++;
    }
    try {
      runPieces(this.gemm, a.arr, b.arr, c.arr, p, parts[0]);
    } finally {
      this.waitFor(posted); // never leave workers writing while the next job resets ctl
    }
    if (Atomics.load(this.ctl, 1)) throw new Error('cpu matmul: a worker thread failed');
    if (c.arr !== job.C) job.C.set(c.arr.subarray(0, batch * m * n), cOff);
    return true;
  }

  dispose(): void {
    for (const w of this.workers ?? []) void w.terminate();
    this.workers = undefined;
    this.failed = true;
    this.scratch.length = 0;
  }

  private start(): WorkerHandle[] | undefined {
    if (this.workers || this.failed) return this.workers;
    let workers: WorkerHandle[] = [];
    try {
      const src = workerSource();
      workers = Array.from({ length: this.threads - 1 }, () => startWorker(src));
      // Handshake with an empty job so a worker that cannot start costs a timeout, never a hang.
      const empty = { buf: this.ctl.buffer as SharedArrayBuffer, off: 0, len: 0 };
      Atomics.store(this.ctl, 0, 0);
      for (const w of workers) w.postMessage({ ctl: this.ctl.buffer, a: empty, b: empty, c: empty, p: [], pieces: [] } satisfies WorkerMsg);
      if (!this.waitFor(workers.length, START_TIMEOUT_MS)) throw new Error('cpu matmul: worker threads did not start');
      this.workers = workers;
    } catch {
      for (const w of workers) void w.terminate();
      this.failed = true; // no workers here: single thread from now on
    }
    return this.workers;
  }

  /** Block until `count` workers reported done; false on timeout. */
  private waitFor(count: number, timeoutMs = Infinity): boolean {
    const deadline = Date.now() + timeoutMs;
    for (let done; (done = Atomics.load(this.ctl, 0)) < count;) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.ctl, 0, done, left);
    }
    return true;
  }

  /** A shared view of arr[lo, hi): arr itself if already shared, else a copy in scratch `slot`. */
  private share(slot: number, arr: Float32Array, lo: number, hi: number, copy = true) {
    if (arr.buffer instanceof SharedArrayBuffer) {
      return { arr, shift: 0, ref: { buf: arr.buffer, off: arr.byteOffset, len: arr.length } };
    }
    const bytes = Math.max(hi - lo, 1) * 4;
    let buf = this.scratch[slot];
    if (!buf || buf.byteLength < bytes) {
      buf = new SharedArrayBuffer(bytes);
      this.scratch[slot] = bytes <= KEEP_SCRATCH_BYTES ? buf : undefined;
    }
    const shared = new Float32Array(buf, 0, bytes / 4);
    if (copy) shared.set(arr.subarray(lo, hi));
    return { arr: shared, shift: lo, ref: { buf, off: 0, len: bytes / 4 } };
  }
}
