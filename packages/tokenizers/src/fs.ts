import { renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { TokenizerError } from './errors.js';

/** Write a file atomically: a temporary file beside it, then rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* gone already */ }
    throw new TokenizerError('IO', `cannot write ${path}: ${(e as Error).message}`);
  }
}
