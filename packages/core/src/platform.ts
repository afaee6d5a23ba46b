/** Feature detection for backends, without static Node-only imports (bundles load in browsers). */

interface NodeProcessLike {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

/** A Node builtin module (process.getBuiltinModule, Node >= 20.16), undefined elsewhere. */
export function nodeBuiltin<T>(id: string): T | undefined {
  const p = (globalThis as { process?: NodeProcessLike }).process;
  if (!p?.versions?.node || typeof p.getBuiltinModule !== 'function') return undefined;
  return p.getBuiltinModule(id) as T | undefined;
}

/** Logical cores: os.availableParallelism in Node, navigator.hardwareConcurrency in browsers. */
export function defaultThreads(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  const n = os
    ? (os.availableParallelism?.() ?? os.cpus().length)
    : (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, Math.floor(n ?? 1));
}
