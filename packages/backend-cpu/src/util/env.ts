/** Feature detection without Node-only imports, so the bundle also loads in browsers. */

import { nodeBuiltin } from '@tessera/core';

export { defaultThreads, nodeBuiltin } from '@tessera/core';

/** What the pool needs of a worker in either world. */
export interface WorkerHandle {
  postMessage(msg: unknown): void;
  terminate(): unknown;
}

interface BrowserGlobals {
  Worker?: new (url: string) => WorkerHandle;
  WorkerGlobalScope?: unknown;
  crossOriginIsolated?: boolean;
  Blob?: new (parts: string[], opts: { type: string }) => unknown;
  URL?: { createObjectURL(blob: unknown): string };
}

/**
 * True where worker threads can share memory with this thread AND this thread may block in
 * Atomics.wait: any Node thread; in browsers only a cross-origin-isolated worker (the main thread
 * may not block, so there matmul stays single-threaded).
 */
export function canUseWorkers(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function') return false;
  if (nodeBuiltin('node:worker_threads')) return true;
  const g = globalThis as BrowserGlobals;
  return g.WorkerGlobalScope !== undefined && g.crossOriginIsolated === true && typeof g.Worker === 'function';
}

/** Start a worker running `source` (a self-contained classic script). It never keeps Node alive. */
export function startWorker(source: string): WorkerHandle {
  const wt = nodeBuiltin<{ Worker: new (src: string, opts: { eval: true }) => WorkerHandle & { unref(): void } }>('node:worker_threads');
  if (wt) {
    const w = new wt.Worker(source, { eval: true });
    w.unref();
    return w;
  }
  const g = globalThis as BrowserGlobals;
  if (!g.Worker || !g.Blob || !g.URL) throw new Error('cpu: no Worker support here');
  return new g.Worker(g.URL.createObjectURL(new g.Blob([source], { type: 'text/javascript' })));
}
