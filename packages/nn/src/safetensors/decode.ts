import {
  cast, fromStorage, isFloat, resolveBackend, storageView, type DType, type StorageArray, type Tensor,
} from '@tessera/core';
import { ST_TO_CORE, type SafetensorsDType } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import type { SafetensorsTensorInfo } from './header.js';

export interface ReadOptions {
  /** Backend name for the tensors; default: the current backend. */
  backend?: string;
  /** Float dtype for every floating-point tensor (integers and bools keep theirs); default: as stored. */
  dtype?: DType;
  /** Largest accepted header in bytes; default 100 MB. */
  maxHeaderSize?: number;
}

const q = (s: string) => JSON.stringify(s);

function aligned(bytes: Uint8Array, size: number): Uint8Array {
  return bytes.byteOffset % size === 0 ? bytes : bytes.slice();
}

// FP8 decoding tables (OCP FP8: E4M3 "fn" has no infinities, S.1111.111 is NaN; E8M0 is a bare exponent).
let e4m3: Float32Array | undefined;
let e5m2: Float32Array | undefined;
let e8m0: Float32Array | undefined;
function fp8Table(kind: 'F8_E4M3' | 'F8_E5M2' | 'F8_E8M0'): Float32Array {
  if (kind === 'F8_E8M0') {
    e8m0 ??= Float32Array.from({ length: 256 }, (_, b) => (b === 255 ? NaN : 2 ** (b - 127)));
    return e8m0;
  }
  const [eb, mb, bias] = kind === 'F8_E4M3' ? [4, 3, 7] : [5, 2, 15];
  const have = kind === 'F8_E4M3' ? e4m3 : e5m2;
  if (have) return have;
  const t = new Float32Array(256);
  for (let b = 0; b < 256; b++) {
    const s = b & 0x80 ? -1 : 1;
    const e = (b >> mb) & ((1 << eb) - 1);
    const m = b & ((1 << mb) - 1);
    const emax = (1 << eb) - 1;
    if (kind === 'F8_E4M3' && e === emax && m === (1 << mb) - 1) t[b] = NaN;
    else if (kind === 'F8_E5M2' && e === emax) t[b] = m ? NaN : s * Infinity;
    else if (e === 0) t[b] = s * m * 2 ** (1 - bias - mb);
    else t[b] = s * (1 + m / (1 << mb)) * 2 ** (e - bias);
  }
  if (kind === 'F8_E4M3') e4m3 = t;
  else e5m2 = t;
  return t;
}

function outOfRange(name: string, dtype: SafetensorsDType, index: number, value: bigint, where: string): never {
  throw new SafetensorsError('ERR_SAFETENSORS_RANGE', `${where}: tensor ${q(name)} (${dtype}) element ${index} is ${value}, outside int32 [-2147483648, 2147483647]; tensors of this dtype are read as int32`);
}

/** Raw file bytes of one tensor -> storage in its core dtype (little-endian hosts, as every JS engine). */
export function decodeStorage(name: string, dtype: SafetensorsDType, bytes: Uint8Array, where: string): StorageArray {
  switch (dtype) {
    case 'F32': return storageView('float32', aligned(bytes, 4));
    case 'F16': return storageView('float16', aligned(bytes, 2));
    case 'BF16': return storageView('bfloat16', aligned(bytes, 2));
    case 'I32': return storageView('int32', aligned(bytes, 4));
    case 'I8': return storageView('int8', bytes);
    case 'U8': return storageView('uint8', bytes);
    case 'BOOL': {
      // Core bools are 0 / 1; a writer storing other non-zero bytes still means true.
      const out = bytes.slice();
      for (let i = 0; i < out.length; i++) if (out[i]! > 1) out[i] = 1;
      return out;
    }
    case 'F64': return Float32Array.from(new Float64Array(aligned(bytes, 8).slice().buffer));
    case 'F8_E4M3':
    case 'F8_E5M2':
    case 'F8_E8M0': {
      const t = fp8Table(dtype);
      return Float32Array.from(bytes, (b) => t[b]!);
    }
    case 'I16': return Int32Array.from(new Int16Array(aligned(bytes, 2).slice().buffer));
    case 'U16': return Int32Array.from(new Uint16Array(aligned(bytes, 2).slice().buffer));
    case 'U32': {
      const src = new Uint32Array(aligned(bytes, 4).slice().buffer);
      for (let i = 0; i < src.length; i++) if (src[i]! > 0x7fffffff) outOfRange(name, dtype, i, BigInt(src[i]!), where);
      return new Int32Array(src.buffer, src.byteOffset, src.length);
    }
    case 'I64':
    case 'U64': {
      // Pairs of (low, high) words: an int64 fits int32 iff high is the sign extension of low.
      const a = aligned(bytes, 4);
      const w = new Int32Array(a.buffer, a.byteOffset, a.byteLength / 4);
      const n = w.length / 2;
      const out = new Int32Array(n);
      const signed = dtype === 'I64';
      for (let i = 0; i < n; i++) {
        const lo = w[2 * i]!, hi = w[2 * i + 1]!;
        if (hi !== lo >> 31 || (!signed && hi !== 0)) {
          const v = new DataView(a.buffer, a.byteOffset + 8 * i, 8);
          outOfRange(name, dtype, i, signed ? v.getBigInt64(0, true) : v.getBigUint64(0, true), where);
        }
        out[i] = lo;
      }
      return out;
    }
  }
}

/** One tensor on the chosen backend, float tensors cast to `opts.dtype` when given. */
export function decodeTensor(
  name: string, info: SafetensorsTensorInfo, bytes: Uint8Array, opts: ReadOptions, where: string,
): Tensor {
  const stored = ST_TO_CORE[info.dtype];
  const raw = decodeStorage(name, info.dtype, bytes, where);
  const t = fromStorage(raw, info.shape, stored, resolveBackend(opts.backend));
  if (opts.dtype === undefined || !isFloat(stored) || opts.dtype === stored) return t;
  if (!isFloat(opts.dtype)) {
    t.dispose();
    throw new SafetensorsError('ERR_SAFETENSORS_ARGUMENT', `${where}: option dtype must be a float dtype (float32, float16, bfloat16), got ${q(opts.dtype)}`);
  }
  const c = cast(t, opts.dtype);
  t.dispose();
  return c;
}

export function checkReadOptions(opts: ReadOptions, where: string): void {
  if (typeof opts !== 'object' || opts === null) {
    throw new SafetensorsError('ERR_SAFETENSORS_ARGUMENT', `${where}: options must be an object, got ${opts === null ? 'null' : typeof opts}`);
  }
  if (opts.dtype !== undefined && !(typeof opts.dtype === 'string' && isFloat(opts.dtype as DType))) {
    throw new SafetensorsError('ERR_SAFETENSORS_ARGUMENT', `${where}: option dtype must be float32, float16 or bfloat16, got ${JSON.stringify(opts.dtype)}`);
  }
}
