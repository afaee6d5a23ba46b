import {
  BYTES_PER_ELEMENT, fromByteChunks, fromNumbers, isFloat, storageView, toNumbers, type DType, type Tensor,
} from '@tessera/core';
import { ST_TO_CORE } from './dtypes.js';
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

/** Bytes read from the file per piece: the loader's only buffer (not the largest tensor's size). */
const CHUNK_BYTES = 8 * 2 ** 20;

/** File dtypes whose bytes are the core dtype's storage as they are. */
const AS_STORED = new Set(['F32', 'F16', 'BF16', 'I32', 'I8', 'U8']);

/**
 * Loads a file one tensor at a time, each read in pieces of at most 8 MiB straight into the
 * tensor's storage (a float cast, to `opts.dtype`, converts piece by piece on the way), so the peak
 * is the tensors themselves plus one 8 MiB buffer. Dtypes that need decoding (F64, FP8, the wide
 * integers, BOOL) are read whole, one tensor at a time.
 */
export async function loadSafetensorsFile(file: string, opts: ReadOptions = {}): Promise<SafetensorsContent> {
  const where = `loadSafetensorsFile(${JSON.stringify(file)})`;
  checkPath(file, 'loadSafetensorsFile');
  checkReadOptions(opts, where);
  return withFile(file, where, async (fh) => {
    const h = await readHeaderFrom(fh, where, opts);
    const scratch = new Uint8Array(CHUNK_BYTES);
    const done: [string, Tensor][] = [];
    try {
      for (const name of h.names) {
        const info = h.tensors[name]!;
        const [b, e] = info.dataOffsets;
        const stored = ST_TO_CORE[info.dtype];
        const target = opts.dtype !== undefined && isFloat(stored) ? opts.dtype : stored;
        if (!AS_STORED.has(info.dtype)) {
          const bytes = new Uint8Array(e - b);
          await readExactly(fh, bytes, h.dataStart + b, where);
          done.push([name, decodeTensor(name, info, bytes, opts, where)]);
          continue;
        }
        const inSize = BYTES_PER_ELEMENT[stored], outSize = BYTES_PER_ELEMENT[target];
        const step = Math.floor(CHUNK_BYTES / inSize) * inSize;
        const t = await fromByteChunks(info.shape, target, async (write) => {
          for (let at = 0; at < e - b; at += step) {
            const piece = scratch.subarray(0, Math.min(step, e - b - at));
            await readExactly(fh, piece, h.dataStart + b + at, where);
            const out = target === stored ? piece : convertFloats(piece, stored, target);
            write(out, (at / inSize) * outSize); // backends copy on write: the scratch is reused
          }
        }, { backend: opts.backend });
        done.push([name, t]);
      }
    } catch (err) {
      for (const [, t] of done) t.dispose();
      throw err;
    }
    return { tensors: Object.fromEntries(done), metadata: h.metadata };
  });
}

/** Raw float storage of one dtype as another's (round to nearest even, as core's cast). */
function convertFloats(bytes: Uint8Array, from: DType, to: DType): Uint8Array {
  const values = toNumbers(from, storageView(from, bytes.slice()));
  const out = fromNumbers(to, values);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
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
