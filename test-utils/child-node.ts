/**
 * Run an ES module script in a child Node process (with flags such as --expose-gc) and parse the
 * JSON of its last stdout line: for tests that need a fresh process or Node flags the runner lacks.
 * The script is written to a temporary .mjs file (a `-e` script would pass --input-type to workers).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function runNodeScript<T>(script: string, flags: readonly string[], cwd: string, timeoutMs = 120_000): T {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-child-'));
  const file = join(dir, 'script.mjs');
  writeFileSync(file, script);
  try {
    const stdout = execFileSync(process.execPath, [...flags, file], { cwd, encoding: 'utf8', timeout: timeoutMs });
    return JSON.parse(stdout.trim().split('\n').pop()!) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Script text defining `collect()` for a child started with --expose-gc that has `core` (@tessera/core)
 * in scope: collect garbage until the GC backstop frees nothing more over three rounds (its
 * finalizers run as tasks after a collection), so a test waits on that state, never on a clock.
 */
export const COLLECT_UNTIL_STABLE = `
  const collect = async () => {
    let last = -1, stable = 0;
    for (let round = 0; round < 1000 && stable < 3; round++) {
      gc();
      await new Promise((r) => setImmediate(r));
      const freed = core.memory().numFreedByGC;
      stable = freed === last ? stable + 1 : 0;
      last = freed;
    }
  };
`;
