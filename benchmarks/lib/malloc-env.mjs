// On Linux, glibc hands large freed blocks straight back to the OS, so the next big allocation
// (every impl's freshly read-back result) touches new pages; on a VM that costs ~50 ms per 16 MB
// (measured on this machine kind) and lands on random runs of whichever impl allocates next.
// The benchmarks re-run themselves once with glibc told to keep freed memory: the same for every
// impl, and what a long-running process sees anyway. `--os-malloc` (or TESSERA_BENCH_OS_MALLOC=1)
// keeps the default.
import { spawnSync } from 'node:child_process';

export const MALLOC_ENV = {
  MALLOC_MMAP_THRESHOLD_: String(2 ** 31 - 1), // big blocks from the heap, not fresh mmaps
  MALLOC_TRIM_THRESHOLD_: String(2 ** 32 - 1), // never trim the heap's top back to the OS
};

/** Re-runs this process with MALLOC_ENV unless it is set, opted out, or not glibc. Never returns then. */
export function reexecWithKeptMalloc(argv) {
  if (process.platform !== 'linux' || !process.report?.getReport().header.glibcVersionRuntime) return false;
  if (argv.includes('--os-malloc') || process.env.TESSERA_BENCH_OS_MALLOC === '1') return false;
  if (Object.entries(MALLOC_ENV).every(([k, v]) => process.env[k] === v)) return true;
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...MALLOC_ENV },
  });
  process.exit(r.status ?? 1);
}
