import { DTYPES, bf16ToF32, f16ToF32, type DType } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { out, rawView, read, readBits, run, view } from './helpers.js';

const cast = (x: ReturnType<typeof view>, dtype: DType) => run('cast', [x], [out(dtype, x.shape)], { dtype })[0];
const f32 = (vals: number[]) => view('float32', vals, [vals.length]);
const isNaN16 = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
const isNaNbf = (h: number) => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;

describe('cast', () => {
  it('float32 -> float16 rounds to nearest even: ties, subnormals, overflow, inf, nan, -0', () => {
    const cases: [number, number][] = [
      [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65519, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00],
      [1 + 2 ** -11, 0x3c00], // tie -> even (down)
      [1 + 3 * 2 ** -11, 0x3c02], // tie -> even (up)
      [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above the tie
      [2 ** -24, 0x0001], [2 ** -25, 0x0000], [1.5 * 2 ** -25, 0x0001], [3 * 2 ** -25, 0x0002], [2 ** -26, 0],
      [2 ** -14, 0x0400], [2 ** -14 - 2 ** -24, 0x03ff], [-(2 ** -24), 0x8001],
      [Infinity, 0x7c00], [-Infinity, 0xfc00], [-0, 0x8000], [0.1, 0x2e66],
    ];
    expect(readBits(cast(f32(cases.map((c) => c[0])), 'float16'))).toEqual(cases.map((c) => c[1]));
    expect(isNaN16(readBits(cast(f32([NaN]), 'float16'))[0])).toBe(true);
  });

  it('float32 -> bfloat16 rounds to nearest even; f32 max overflows to inf; subnormals keep', () => {
    const cases: [number, number][] = [
      [1, 0x3f80], [1 + 2 ** -8, 0x3f80], [1 + 3 * 2 ** -8, 0x3f82], [1 + 2 ** -8 + 2 ** -20, 0x3f81],
      [3.4028234663852886e38, 0x7f80], [Infinity, 0x7f80], [-Infinity, 0xff80], [-0, 0x8000], [1e-40, 0x0001],
    ];
    expect(readBits(cast(f32(cases.map((c) => c[0])), 'bfloat16'))).toEqual(cases.map((c) => c[1]));
    expect(isNaNbf(readBits(cast(f32([NaN]), 'bfloat16'))[0])).toBe(true);
  });

  it('float16 / bfloat16 bits decode exactly (subnormal, max, inf, nan, -0)', () => {
    const h = [0x0001, 0x03ff, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x8000, 0x3555];
    expect(read(cast(rawView('float16', h, [h.length]), 'float32'))).toEqual(h.map(f16ToF32));
    expect(read(cast(rawView('float16', [0x0001], [1]), 'float32'))).toEqual([2 ** -24]);
    const bf = [0x0001, 0x7f7f, 0x7f80, 0xff80, 0x7fc0, 0x8000, 0x3f81];
    expect(read(cast(rawView('bfloat16', bf, [bf.length]), 'float32'))).toEqual(bf.map(bf16ToF32));
  });

  it('float -> int truncates toward zero then wraps; nan / inf give 0; -> bool is x != 0', () => {
    const x = f32([2.7, -2.7, 3e9, -3e9, 200.5, -129.9, 300, -1.5, NaN, Infinity, 0, -0, 0.5]);
    expect(read(cast(x, 'int32'))).toEqual([2, -2, 3e9 - 2 ** 32, -3e9 + 2 ** 32, 200, -129, 300, -1, 0, 0, 0, 0, 0]);
    // 3e9 is a multiple of 256, so it wraps to 0 in 8 bits.
    expect(read(cast(x, 'int8'))).toEqual([2, -2, 0, 0, -56, 127, 44, -1, 0, 0, 0, 0, 0]);
    expect(read(cast(x, 'uint8'))).toEqual([2, 254, 0, 0, 200, 127, 44, 255, 0, 0, 0, 0, 0]);
    expect(read(cast(x, 'bool'))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1]);
  });

  it('int -> float rounds to nearest even (int32 -> f32, int -> f16), bool -> numbers', () => {
    expect(read(cast(view('int32', [16777217, 16777219, -7], [3]), 'float32'))).toEqual([16777216, 16777220, -7]);
    expect(readBits(cast(view('int32', [2049, 2051, 65535, -1], [4]), 'float16'))).toEqual([0x6800, 0x6802, 0x7c00, 0xbc00]);
    expect(read(cast(view('int32', [300, -200, 255], [3]), 'int8'))).toEqual([44, 56, -1]);
    expect(read(cast(view('int8', [-1, 5], [2]), 'uint8'))).toEqual([255, 5]);
    expect(read(cast(view('bool', [1, 0], [2]), 'float16'))).toEqual([1, 0]);
    expect(read(cast(view('uint8', [0, 7], [2]), 'bool'))).toEqual([0, 1]);
  });

  it('every dtype pair round-trips small integers, on a transposed view', () => {
    const vals = [1, 0, 2, 1, 0, 3, 1, 1, 0, 2, 1, 0];
    for (const from of DTYPES) {
      const src = from === 'bool' ? vals.map((v) => (v ? 1 : 0)) : vals;
      const x = view(from, src, [3, 4], [1, 3]);
      const logical = [0, 1, 2].flatMap((i) => [0, 1, 2, 3].map((j) => src[i + 3 * j]));
      for (const to of DTYPES) {
        const expected = to === 'bool' ? logical.map((v) => (v ? 1 : 0)) : logical;
        expect(read(run('cast', [x], [out(to, [3, 4])], { dtype: to })[0]), `${from} -> ${to}`).toEqual(expected);
      }
    }
  });

  it('float16 <-> bfloat16 go through float32 (bf16 of a f16 rounds again)', () => {
    const h = rawView('float16', [0x3c01, 0x7bff], [2]); // 1 + 2^-10, 65504
    expect(readBits(cast(h, 'bfloat16'))).toEqual([0x3f80, 0x4780]);
    const bf = rawView('bfloat16', [0x4780, 0x3f81], [2]); // 65536, 1 + 2^-7
    expect(readBits(cast(bf, 'float16'))).toEqual([0x7c00, 0x3c08]);
  });
});
