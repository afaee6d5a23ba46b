// File IO: reads and atomic writes, with IO errors naming the path.
import { readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { describe, fail } from './errors.js';

const why = (e: unknown) => (e as { code?: string }).code ?? (e as Error).message.slice(0, 200);

export function readBytes(path: string): Uint8Array {
  try { return readFileSync(path); } catch (e) { return fail('IO', `cannot read ${describe(path, 200)}: ${why(e)}`); }
}

/** Write a file atomically: a temporary file beside it, then rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* gone already */ }
    fail('IO', `cannot write ${describe(path, 200)}: ${why(e)}`);
  }
}
