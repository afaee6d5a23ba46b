// On Linux, glibc hands large freed blocks straight back to the OS, so the next big allocation
// (every impl's freshly read-back result) touches new pages; on a VM that costs ~50 ms per 16 MB
// (measured on this machine kind) and lands on random runs of whichever impl allocates next.
// The benchmarks re-run themselves once with glibc told to keep freed memory: the same for every
// impl, and what a long-running process sees anyway. `--os-malloc` (or TESSERA_BENCH_OS_MALLOC=1)
// keeps the default. The same re-run adds the Node flags a peer needs (NODE_FLAGS).
import { spawnSync } from 'node:child_process';

export const MALLOC_ENV = {
  MALLOC_MMAP_THRESHOLD_: String(2 ** 31 - 1), // big blocks from the heap, not fresh mmaps
  MALLOC_TRIM_THRESHOLD_: String(2 ** 32 - 1), // never trim the heap's top back to the OS
};

/** Node flags a peer needs: jax-js uses iterator helpers, which Node 20 ships behind a flag (22 has them). */
const NODE_FLAGS = typeof globalThis.Iterator === 'undefined' ? ['--harmony-iterator-helpers'] : [];

/**
 * Re-runs this process with MALLOC_ENV (unless opted out, or not glibc) and the NODE_FLAGS it lacks.
 * Never returns then. Returns whether freed memory is kept.
 */
export function reexecWithKeptMalloc(argv) {
  const glibc = process.platform === 'linux' && Boolean(process.report?.getReport().header.glibcVersionRuntime);
  const keep = glibc && !argv.includes('--os-malloc') && process.env.TESSERA_BENCH_OS_MALLOC !== '1';
  const envDone = !keep || Object.entries(MALLOC_ENV).every(([k, v]) => process.env[k] === v);
  const flags = NODE_FLAGS.filter((f) => !process.execArgv.includes(f));
  if (envDone && !flags.length) return keep;
  const r = spawnSync(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...(keep ? MALLOC_ENV : {}) },
  });
  process.exit(r.status ?? 1);
}
