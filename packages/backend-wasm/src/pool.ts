import { canBlock, nodeBuiltin } from './env.js';
import { WORKER_SOURCE, WORKER_SPIN_MS } from './worker-source.js';

/** How long the caller spins on the workers' last chunks before it sleeps. */
const SPIN_WAIT_MS = 50;

interface WorkerHandle { postMessage(msg: unknown): void; terminate(): unknown }

export interface PoolSetup {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Address of the 320-byte control block. */
  ctl: number;
  /** Exported kernel names the pool may run; a job names one by index. */
  names: readonly string[];
  /** Top of each worker's stack (index tid - 1). */
  stackTops: readonly number[];
}

/** Whether workers that finished their last job at `lastEnd` still spin at `now` (ms; they sleep WORKER_SPIN_MS after it). */
export const workersSpinning = (now: number, lastEnd: number): boolean => now - lastEnd < WORKER_SPIN_MS;

function startWorker(data: Record<string, unknown>): WorkerHandle {
  const wt = nodeBuiltin<{ Worker: new (src: string, o: object) => WorkerHandle & { unref(): void } }>('node:worker_threads');
  if (wt) {
    // The worker source is CommonJS: a parent started as `node --input-type=module -e ...` must not
    // pass that flag on, or the worker evaluates as ESM and fails on `require`. The worker needs none
    // of the parent's flags then (an explicit list is validated: V8 flags such as --expose-gc are refused).
    const parentArgv = (globalThis as { process?: { execArgv?: string[] } }).process?.execArgv ?? [];
    const inputType = parentArgv.some((a) => a.startsWith('--input-type'));
    const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: data, ...(inputType ? { execArgv: [] } : {}) });
    w.unref(); // never keeps Node alive
    return w;
  }
  const g = globalThis as unknown as { Worker: new (u: string) => WorkerHandle; Blob: typeof Blob; URL: typeof URL };
  const w = new g.Worker(g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], { type: 'text/javascript' })));
  w.postMessage(data);
  return w;
}

/**
 * Threads sharing one memory: `threads - 1` workers plus the calling thread (tid 0). A job writes
 * its arguments to the control block, opens the job, bumps the generation and wakes the workers;
 * every thread that joins takes chunks of [0, total) (multiples of `grain`) from a shared counter and
 * runs `fn(...args, start, end, tid)` on each; the caller waits until every chunk is done, closes
 * the job and waits for joined workers to leave (protocol: worker-source.ts). Until the workers have started, jobs run on the caller.
 */
export class Pool {
  private workers: WorkerHandle[] = [];
  private ctl: Int32Array;
  private args: Float64Array;
  private readonly block = canBlock();
  private started = false;
  private lastEnd = -Infinity;
  /**
   * The clock (ms) behind `warm()`. Tests replace it to drive the spin / sleep decision: whether a
   * job wakes the workers then depends on the clock, never on how fast real threads run.
   */
  clock: () => number = () => performance.now();

  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- exported wasm kernels of many signatures
  constructor(readonly size: number, private readonly setup: PoolSetup, private readonly fns: Function[]) {
    this.ctl = new Int32Array(setup.memory.buffer, setup.ctl, 16);
    this.args = new Float64Array(setup.memory.buffer, setup.ctl + 64, 32);
    this.ctl.fill(0);
    for (let tid = 1; tid < size; tid++) {
      this.workers.push(startWorker({
        module: setup.module, memory: setup.memory, ctl: setup.ctl, names: setup.names, tid,
        stackTop: setup.stackTops[tid - 1],
      }));
    }
  }

  /**
   * True once every worker is up (waits up to `ms` where this thread may block). Jobs never wait
   * for workers that are still starting: they run here until then; `await pool.whenReady()`
   * where a script needs threads from its first op (benchmarks).
   */
  ready(ms = 0): boolean {
    if (this.started) return true;
    const n = this.workers.length;
    const deadline = Date.now() + ms;
    let have = Atomics.load(this.ctl, 8);
    while (have < n && this.block && Date.now() < deadline) {
      Atomics.wait(this.ctl, 8, have, Math.max(1, deadline - Date.now()));
      have = Atomics.load(this.ctl, 8);
    }
    this.started = have >= n;
    return this.started;
  }

  /**
   * True while the workers are still spinning after the last job (they sleep WORKER_SPIN_MS after
   * it). A sleeping worker took 0.3-2 ms to wake here, and its waking slowed the caller by ~0.3 ms,
   * so kernels ask for more work before they wake the workers (measured at 256³: 1.05 ms woken
   * against 0.75 ms alone).
   */
  warm(): boolean {
    return workersSpinning(this.clock(), this.lastEnd);
  }

  async whenReady(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ready(0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    return this.started;
  }

  run(fn: number, args: readonly number[], total: number, grain: number, threads = this.size): void {
    const f = this.fns[fn]!;
    const units = Math.ceil(total / grain);
    const n = Math.min(threads, this.workers.length + 1, units);
    if (n <= 1 || !this.ready(0)) {
      f(...args, 0, total, 0);
      return;
    }
    // Chunks are handed out from a counter, ~4 per thread: a core that runs slower (a busy
    // neighbour, an efficiency core) takes fewer, and a worker that wakes late (a sleeping vCPU
    // took up to 5 ms here) finds the work done instead of holding the caller up.
    const per = Math.ceil(units / Math.min(units, n * 4)) * grain;
    const chunks = Math.ceil(total / per);
    const ctl = this.ctl;
    while (Atomics.load(ctl, 11) !== 0); // a worker still leaving the last job (it has no chunk)
    for (let i = 0; i < args.length; i++) this.args[i] = args[i]!;
    ctl[2] = fn; ctl[3] = n; ctl[4] = total; ctl[5] = per; ctl[6] = args.length; ctl[9] = 0;
    Atomics.store(ctl, 1, 0);
    Atomics.store(ctl, 10, 1); // open: the arguments above are complete
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    for (let s = Atomics.add(ctl, 9, 1) * per; s < total; s = Atomics.add(ctl, 9, 1) * per) {
      f(...args, s, Math.min(total, s + per), 0);
      Atomics.add(ctl, 1, 1);
    }
    // Spin, not sleep, while joined workers finish: this thread has nothing else to do, and waking
    // it from Atomics.wait took up to 8 ms on these VMs (measured at the end of a 25 ms matmul).
    let done = Atomics.load(ctl, 1);
    for (let i = 1, t0 = performance.now(); done < chunks; i++) {
      if ((i & 1023) === 0 && performance.now() - t0 > SPIN_WAIT_MS) break;
      done = Atomics.load(ctl, 1);
    }
    while (done < chunks) {
      if (this.block) Atomics.wait(ctl, 1, done, 50);
      done = Atomics.load(ctl, 1);
    }
    Atomics.store(ctl, 10, 0); // closed: a late waker leaves without reading the arguments
    this.lastEnd = this.clock();
  }

  dispose(): void {
    if (!this.workers.length) return;
    Atomics.store(this.ctl, 7, 1);
    Atomics.add(this.ctl, 0, 1);
    Atomics.notify(this.ctl, 0);
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }
}
