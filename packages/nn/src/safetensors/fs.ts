import { nodeBuiltin } from '@tessera/core';
import { SafetensorsError } from './errors.js';

type FsPromises = typeof import('node:fs/promises');
type Path = typeof import('node:path');

/** Node's fs/promises and path, loaded lazily so the in-memory forms still bundle for browsers. */
export function nodeFs(where: string): { fs: FsPromises; path: Path } {
  const fs = nodeBuiltin<FsPromises>('node:fs/promises');
  const path = nodeBuiltin<Path>('node:path');
  if (!fs || !path) {
    throw new SafetensorsError('ERR_SAFETENSORS_FILE', `${where}: file access needs Node.js (>= 20.16); in a browser use readSafetensors / writeSafetensors on bytes`);
  }
  return { fs, path };
}

/** Wraps a Node fs error as a typed one naming the function and the path. */
export function fileError(where: string, file: string, e: unknown): SafetensorsError {
  if (e instanceof SafetensorsError) return e;
  const err = e as NodeJS.ErrnoException;
  const why = err?.code === 'ENOENT' ? 'no such file' : err?.code === 'EISDIR' ? 'is a directory' : (err?.message ?? String(e));
  const out = new SafetensorsError('ERR_SAFETENSORS_FILE', `${where}: ${JSON.stringify(file)}: ${why}`);
  (out as { cause?: unknown }).cause = e;
  return out;
}

/**
 * Writes a file atomically: `write(handle)` fills a temporary file in the same folder, which is
 * flushed and renamed over `file` only when complete (a crash leaves the old file or none).
 */
export async function atomicWrite(
  file: string, where: string, write: (fh: import('node:fs/promises').FileHandle) => Promise<void>,
): Promise<void> {
  const { fs, path } = nodeFs(where);
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  let fh: import('node:fs/promises').FileHandle | undefined;
  try {
    fh = await fs.open(tmp, 'wx');
    await write(fh);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await fs.rename(tmp, file);
  } catch (e) {
    await fh?.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw fileError(where, file, e);
  }
}

/** Writes all of `bytes` at `position` (a FileHandle write may be partial). */
export async function writeAll(fh: import('node:fs/promises').FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.byteLength - done, position + done);
    done += bytesWritten;
  }
}
