/** Feature detection without static Node-only imports, so the bundle also loads in browsers. */

import { nodeBuiltin } from '@tessera/core';

export { defaultThreads, nodeBuiltin } from '@tessera/core';

/** Why threads cannot run here, or null when they can. */
export function threadsUnavailableReason(): string | null {
  if (typeof SharedArrayBuffer !== 'function') {
    return 'SharedArrayBuffer is unavailable (browsers need cross-origin isolation: COOP/COEP headers)';
  }
  if (nodeBuiltin('node:worker_threads')) return null;
  const g = globalThis as { Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?: unknown } };
  if (typeof g.Worker !== 'function' || typeof g.Blob !== 'function') return 'no Worker support here';
  return null;
}

/** Atomics.wait is allowed on Node's main thread and in workers, not on a browser's main thread. */
export function canBlock(): boolean {
  if (nodeBuiltin('node:worker_threads')) return true;
  return (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== undefined;
}
