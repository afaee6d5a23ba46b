/** Feature detection without static Node-only imports, so the bundle also loads in browsers. */

interface NodeProcessLike {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

/** A Node builtin module (Node >= 20.16 has process.getBuiltinModule), undefined elsewhere. */
export function nodeBuiltin<T>(id: string): T | undefined {
  const p = (globalThis as { process?: NodeProcessLike }).process;
  if (!p?.versions?.node || typeof p.getBuiltinModule !== 'function') return undefined;
  return p.getBuiltinModule(id) as T | undefined;
}

export const isNode = (): boolean => nodeBuiltin('node:fs') !== undefined;

/** Logical cores: os.availableParallelism in Node, navigator.hardwareConcurrency in browsers. */
export function defaultThreads(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  const n = os
    ? (os.availableParallelism?.() ?? os.cpus().length)
    : (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, Math.floor(n ?? 1));
}

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
