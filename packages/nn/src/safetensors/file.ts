import type { Tensor } from '@tessera/core';
import { checkReadOptions, decodeTensor, type ReadOptions } from './decode.js';
import { SafetensorsError } from './errors.js';
import { atomicWrite, fileError, nodeFs, writeAll } from './fs.js';
import { headerLength, parseHeader, type HeaderOptions, type SafetensorsHeader } from './header.js';
import type { SafetensorsContent } from './read.js';
import { planWrite, tensorBytes } from './write.js';

type FileHandle = import('node:fs/promises').FileHandle;

function checkPath(file: unknown, where: string): asserts file is string {
  if (typeof file !== 'string' || file === '') {
    throw new SafetensorsError('ERR_SAFETENSORS_ARGUMENT', `${where}: path must be a non-empty string, got ${JSON.stringify(file)}`);
  }
}

/** Fills `buf` from `position`; a short read means the file shrank under us. */
async function readExactly(fh: FileHandle, buf: Uint8Array, position: number, where: string): Promise<void> {
  let done = 0;
  while (done < buf.byteLength) {
    const { bytesRead } = await fh.read(buf, done, buf.byteLength - done, position + done);
    if (bytesRead === 0) {
      throw new SafetensorsError('ERR_SAFETENSORS_TRUNCATED', `${where}: the file ended at byte ${position + done} while ${buf.byteLength} bytes were read from ${position}`);
    }
    done += bytesRead;
  }
}

async function readHeaderFrom(fh: FileHandle, where: string, opts: HeaderOptions): Promise<SafetensorsHeader> {
  const { size } = await fh.stat();
  const first = new Uint8Array(Math.min(8, size));
  await readExactly(fh, first, 0, where);
  const n = headerLength(first, size, where, opts); // bounded by the file before allocating
  const json = new Uint8Array(n);
  await readExactly(fh, json, 8, where);
  return parseHeader(json, size, where);
}

async function withFile<T>(file: string, where: string, use: (fh: FileHandle) => Promise<T>): Promise<T> {
  const { fs } = nodeFs(where);
  let fh: FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (e) {
    throw fileError(where, file, e);
  }
  try {
    return await use(fh);
  } catch (e) {
    throw fileError(where, file, e);
  } finally {
    await fh.close().catch(() => {});
  }
}

/** The validated header of a file (names, dtypes, shapes, offsets, metadata); reads no tensor data. */
export async function readSafetensorsHeader(file: string, opts: HeaderOptions = {}): Promise<SafetensorsHeader> {
  const where = `readSafetensorsHeader(${JSON.stringify(file)})`;
  checkPath(file, 'readSafetensorsHeader');
  return withFile(file, where, (fh) => readHeaderFrom(fh, where, opts));
}

/**
 * Loads a file one tensor at a time through one reusable buffer the size of the largest tensor,
 * so the peak is the tensors themselves plus that buffer, never the whole file on top.
 */
export async function loadSafetensorsFile(file: string, opts: ReadOptions = {}): Promise<SafetensorsContent> {
  const where = `loadSafetensorsFile(${JSON.stringify(file)})`;
  checkPath(file, 'loadSafetensorsFile');
  checkReadOptions(opts, where);
  return withFile(file, where, async (fh) => {
    const h = await readHeaderFrom(fh, where, opts);
    let largest = 0;
    for (const n of h.names) {
      const [b, e] = h.tensors[n]!.dataOffsets;
      largest = Math.max(largest, e - b);
    }
    const scratch = new Uint8Array(largest);
    const done: [string, Tensor][] = [];
    try {
      for (const name of h.names) {
        const info = h.tensors[name]!;
        const [b, e] = info.dataOffsets;
        const bytes = scratch.subarray(0, e - b);
        await readExactly(fh, bytes, h.dataStart + b, where);
        // Backends copy on write, so the scratch buffer can be reused for the next tensor.
        done.push([name, decodeTensor(name, info, bytes, opts, where)]);
      }
    } catch (err) {
      for (const [, t] of done) t.dispose();
      throw err;
    }
    return { tensors: Object.fromEntries(done), metadata: h.metadata };
  });
}

/**
 * Writes tensors to `file` atomically (a temporary file in the same folder, then a rename), one
 * tensor read back at a time; works on every backend (asynchronous reads).
 */
export async function saveSafetensorsFile(file: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): Promise<void> {
  checkPath(file, 'saveSafetensorsFile');
  const where = `saveSafetensorsFile(${JSON.stringify(file)})`;
  const plan = planWrite(tensors, metadata, where);
  await atomicWrite(file, where, async (fh) => {
    await writeAll(fh, plan.header, 0);
    for (const p of plan.tensors) {
      if (p.end > p.begin) await writeAll(fh, tensorBytes(await p.tensor.data()), plan.header.length + p.begin);
    }
  });
}
