/**
 * Number formats and the input generator of the suite, written here independently of core:
 * 16-bit float encoders (round to nearest, ties to even, by exact float64 arithmetic), dtype
 * rounding, and a seeded PRNG that never touches Math.random.
 */
import type { DType } from '@tessera/core';

export const FLOAT_DTYPES = ['float32', 'float16', 'bfloat16'] as const satisfies readonly DType[];
export const INT_DTYPES = ['int32', 'int8', 'uint8'] as const satisfies readonly DType[];
export const ALL_DTYPES: readonly DType[] = [...FLOAT_DTYPES, ...INT_DTYPES, 'bool'];
export const isFloatDType = (d: DType): boolean => d === 'float32' || d === 'float16' || d === 'bfloat16';

/** Round half to even (q >= 0). */
function rne(q: number): number {
  const f = Math.floor(q);
  const r = q - f;
  if (r > 0.5) return f + 1;
  if (r < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function floorLog2(a: number): number {
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  return e;
}

/** Generic IEEE-like encoder for a small float: `mant` fraction bits, exponent `bias`. */
function encodeSmall(v: number, mant: number, bias: number, expBits: number, nanBits: number): number {
  if (Number.isNaN(v)) return nanBits;
  v = Math.fround(v); // Tessera converts numbers to float32 first
  const signBit = 1 << (mant + expBits);
  const sign = v < 0 || Object.is(v, -0) ? signBit : 0;
  const a = Math.abs(v);
  const infBits = ((1 << expBits) - 1) << mant;
  if (a === Infinity) return sign | infBits;
  const minNormalExp = 1 - bias;
  if (a < 2 ** minNormalExp) return sign | rne(a * 2 ** (mant - minNormalExp)); // subnormal (may round up to min normal)
  const e = floorLog2(a);
  const m = rne((a / 2 ** e - 1) * 2 ** mant);
  const bits = ((e + bias) << mant) + m; // m === 2^mant carries into the exponent
  return sign | Math.min(bits, infBits);
}

export const f16Bits = (v: number): number => encodeSmall(v, 10, 15, 5, 0x7e00);
export const bf16Bits = (v: number): number => encodeSmall(v, 7, 127, 8, 0x7fc0);

export function f16Value(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  return e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15);
}

export function bf16Value(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 7) & 0xff, m = h & 0x7f;
  if (e === 0xff) return m ? NaN : s * Infinity;
  return e === 0 ? s * m * 2 ** -133 : s * (1 + m / 128) * 2 ** (e - 127);
}

/** The value a number takes once stored in `dtype` (ints: truncate toward zero, wrap to width). */
export function roundTo(dtype: DType, v: number): number {
  switch (dtype) {
    case 'float32': return Math.fround(v);
    case 'float16': return f16Value(f16Bits(v));
    case 'bfloat16': return bf16Value(bf16Bits(v));
    case 'bool': return v !== 0 && !Number.isNaN(v) ? 1 : 0;
    case 'int32': return Math.trunc(v) | 0;
    case 'int8': return (Math.trunc(v) << 24) >> 24;
    case 'uint8': return Math.trunc(v) & 0xff;
  }
}

/** Distance to the next float32 above |x| (for ulp-based checks). */
export function ulp32(x: number): number {
  const a = Math.abs(Math.fround(x));
  if (a === 0) return 2 ** -149;
  const e = Math.max(floorLog2(a), -126);
  return 2 ** (e - 23);
}

// ---- seeded PRNG (sfc32 seeded by a string hash) --------------------------------------------------

export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

export class Rng {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number | string) {
    const s = typeof seed === 'string' ? hashString(seed) : seed >>> 0;
    this.a = 0x9e3779b9; this.b = 0x243f6a88; this.c = 0xb7e15162; this.d = s;
    for (let i = 0; i < 16; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number { return this.u32() / 2 ** 32; }
  uniform(lo: number, hi: number): number { return lo + (hi - lo) * this.next(); }
  int(lo: number, hiExclusive: number): number { return lo + Math.floor(this.next() * (hiExclusive - lo)); }
  /** Never zero: sign * U(lo, hi). */
  signed(lo = 0.1, hi = 2): number { return (this.next() < 0.5 ? -1 : 1) * this.uniform(lo, hi); }
  normal(): number {
    const u1 = 1 - this.next(), u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  bool(): boolean { return this.next() < 0.5; }
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) { const j = this.int(0, i + 1); [a[i], a[j]] = [a[j]!, a[i]!]; }
    return a;
  }
}
