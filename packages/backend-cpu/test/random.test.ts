import { describe, expect, it } from 'vitest';
import { philox4x32, mulhi32 } from '../src/util/philox.js';
import { out, read, run } from './helpers.js';

const block = (c: number[], k: number[]) => {
  const o = new Uint32Array(4);
  philox4x32(c[0], c[1], c[2], c[3], k[0], k[1], o);
  return [...o];
};

describe('random (Philox4x32-10)', () => {
  it('matches the Random123 known-answer vectors', () => {
    expect(block([0, 0, 0, 0], [0, 0])).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    const f = 0xffffffff;
    expect(block([f, f, f, f], [f, f])).toEqual([0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    expect(block([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])).toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });

  it('mulhi32 is exact (checked with BigInt)', () => {
    const xs = [0, 1, 0xffffffff, 0xd2511f53, 0xcd9e8d57, 0x80000000, 0x12345678, 0xfedcba98];
    for (const a of xs) for (const b of xs) expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
  });

  // seed 2^32 + 5 -> key (5, 1): exercises both key words.
  const seed = 2 ** 32 + 5, offset = 3, n = 10;
  const words = (j: number) => block([Math.floor(j / 4), offset, 0, 0], [5, 1])[j % 4];
  const draw = (dist: 'uniform' | 'normal' | 'bits' | 'randint', dtype: 'float32' | 'int32', extra = {}) =>
    read(run('random', [], [out(dtype, [n])], { dist, seed, offset, ...extra })[0]);

  it('uniform / bits / randint take word j % 4 of block (j / 4, offset, 0, 0)', () => {
    expect(draw('uniform', 'float32')).toEqual(Array.from({ length: n }, (_, j) => (words(j) >>> 8) * 2 ** -24));
    expect(draw('bits', 'int32')).toEqual(Array.from({ length: n }, (_, j) => words(j) | 0));
    expect(draw('randint', 'int32', { low: -7, high: 1000 })).toEqual(Array.from({ length: n }, (_, j) => -7 + (words(j) % 1007)));
    expect(draw('randint', 'int32', { low: -(2 ** 31), high: 2 ** 31 })).toEqual(Array.from({ length: n }, (_, j) => words(j) - 2 ** 31));
  });

  it('normal uses words 0, 1 of block (j, offset, 0, 0) through Box-Muller', () => {
    const expected = Array.from({ length: n }, (_, j) => {
      const [w0, w1] = block([j, offset, 0, 0], [5, 1]);
      const u1 = ((w0 >>> 8) + 1) * 2 ** -24, u2 = (w1 >>> 8) * 2 ** -24;
      return Math.fround(Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    });
    expect(draw('normal', 'float32')).toEqual(expected);
  });

  it('streams are deterministic, differ by seed and offset, and look right statistically', () => {
    const big = (dist: 'uniform' | 'normal', s: number, off: number) => read(run('random', [], [out('float32', [20000])], { dist, seed: s, offset: off })[0]);
    const u = big('uniform', 1, 0);
    expect(big('uniform', 1, 0)).toEqual(u);
    expect(big('uniform', 2, 0)).not.toEqual(u);
    expect(big('uniform', 1, 1)).not.toEqual(u);
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(0.01);
    const z = big('normal', 7, 0);
    expect(Math.abs(mean(z))).toBeLessThan(0.03);
    expect(Math.abs(mean(z.map((x) => x * x)) - 1)).toBeLessThan(0.04);
  });
});
