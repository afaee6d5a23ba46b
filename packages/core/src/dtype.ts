import { describe } from './format.js';
import { DTypeError } from './errors.js';

/** Element types. float16 / bfloat16 are stored as real 16-bit data (round-to-nearest-even). */
export type DType = 'float32' | 'float16' | 'bfloat16' | 'int32' | 'int8' | 'uint8' | 'bool';

export const DTYPES: readonly DType[] = ['float32', 'float16', 'bfloat16', 'int32', 'int8', 'uint8', 'bool'];

/** The typed array that holds a dtype's raw storage. */
export type StorageArray = Float32Array | Uint16Array | Int32Array | Int8Array | Uint8Array;

export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  int32: 4,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float16' || d === 'bfloat16';
}

export function isInt(d: DType): boolean {
  return d === 'int32' || d === 'int8' || d === 'uint8';
}

export function assertDType(d: unknown, where: string): asserts d is DType {
  if (!DTYPES.includes(d as DType)) {
    throw new DTypeError(`${where}: unknown dtype ${describe(d)}; use one of ${DTYPES.join(', ')}`);
  }
}

/** A typed array view of raw storage bytes for a dtype (no copy when aligned). */
export function storageView(dtype: DType, bytes: Uint8Array): StorageArray {
  const { buffer, byteOffset, byteLength } = bytes;
  const n = byteLength / BYTES_PER_ELEMENT[dtype];
  const aligned = byteOffset % BYTES_PER_ELEMENT[dtype] === 0;
  const src = aligned ? bytes : bytes.slice();
  const b = aligned ? buffer : src.buffer;
  const o = aligned ? byteOffset : 0;
  switch (dtype) {
    case 'float32': return new Float32Array(b, o, n);
    case 'float16':
    case 'bfloat16': return new Uint16Array(b, o, n);
    case 'int32': return new Int32Array(b, o, n);
    case 'int8': return new Int8Array(b, o, n);
    case 'uint8':
    case 'bool': return new Uint8Array(b, o, n);
  }
}

export function allocStorage(dtype: DType, n: number): StorageArray {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float16':
    case 'bfloat16': return new Uint16Array(n);
    case 'int32': return new Int32Array(n);
    case 'int8': return new Int8Array(n);
    case 'uint8':
    case 'bool': return new Uint8Array(n);
  }
}

// ---- 16-bit float conversion (round to nearest, ties to even) ----

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 (given as a JS number, rounded to f32 first) -> IEEE binary16 bits. */
export function f32ToF16(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf / nan
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow -> signed zero
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && (r & 1))) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (r & 1))) r++; // may carry into exponent / inf: correct
  return sign | r;
}

/** IEEE binary16 bits -> number. */
export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** float32 -> bfloat16 bits (round to nearest even; NaN stays NaN). */
export function f32ToBf16(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff)) return ((b >>> 16) | 0x40) & 0xffff;
  const lsb = (b >>> 16) & 1;
  return ((b + 0x7fff + lsb) >>> 16) & 0xffff;
}

/** bfloat16 bits -> number. */
export function bf16ToF32(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}

/** Decode raw storage to plain numbers (f16 / bf16 widened). */
export function toNumbers(dtype: DType, a: StorageArray): Float32Array | Int32Array | Int8Array | Uint8Array {
  if (dtype === 'float16') return Float32Array.from(a as Uint16Array, f16ToF32);
  if (dtype === 'bfloat16') return Float32Array.from(a as Uint16Array, bf16ToF32);
  return a as Float32Array | Int32Array | Int8Array | Uint8Array;
}

/** Encode numbers into raw storage of a dtype (the inverse of toNumbers). */
export function fromNumbers(dtype: DType, values: ArrayLike<number>): StorageArray {
  const n = values.length;
  const out = allocStorage(dtype, n);
  if (dtype === 'float16') for (let i = 0; i < n; i++) out[i] = f32ToF16(values[i]!);
  else if (dtype === 'bfloat16') for (let i = 0; i < n; i++) out[i] = f32ToBf16(values[i]!);
  else if (dtype === 'bool') for (let i = 0; i < n; i++) out[i] = values[i] ? 1 : 0;
  else if (dtype === 'float32') (out as Float32Array).set(values);
  else for (let i = 0; i < n; i++) out[i] = Math.trunc(values[i]!);
  return out;
}

/** Result dtype of a binary op, PyTorch-like: float beats int; wider float wins; f16+bf16 -> f32. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const fa = isFloat(a), fb = isFloat(b);
  if (fa && fb) return 'float32';
  if (fa) return a;
  if (fb) return b;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  if ((a === 'int8' && b === 'uint8') || (a === 'uint8' && b === 'int8')) return 'int32';
  return 'int32';
}
