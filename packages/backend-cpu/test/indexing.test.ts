import { DTYPES } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { out, randint, randn, read, rng, run, view } from './helpers.js';

const values = (dtype: string, n: number) =>
  dtype === 'bool' ? Array.from({ length: n }, (_, i) => i % 2) : dtype.startsWith('int') || dtype === 'uint8' ? randint(n, 1, 100) : randn(n);

describe('indexSelect / gather / scatterAdd', () => {
  it('indexSelect: every dtype, short and long inner rows, repeated indices, offsets', () => {
    for (const dtype of DTYPES) {
      for (const [outer, d, inner] of [[2, 5, 3], [3, 4, 40], [1, 6, 1]]) {
        const xs = values(dtype, 1 + outer * d * inner);
        const x = view(dtype, xs, [outer, d, inner], [d * inner, inner, 1], 1);
        const idx = [d - 1, 0, 2, 2];
        const index = view('int32', [9, ...idx], [idx.length], [1], 1);
        const [y] = run('indexSelect', [x, index], [out(dtype, [outer, idx.length, inner])], {});
        const xv = read(x);
        const expected = [];
        for (let o = 0; o < outer; o++) for (const t of idx) for (let i = 0; i < inner; i++) expected.push(xv[(o * d + t) * inner + i]);
        expect(read(y), `${dtype} ${outer}x${d}x${inner}`).toEqual(expected);
      }
    }
  });

  it('gather: every dtype; y[o, j, i] = x[o, index[o, j, i], i]', () => {
    const [outer, d, inner, n] = [2, 4, 3, 5];
    const r = rng(3);
    const idx = Array.from({ length: outer * n * inner }, () => Math.floor(r() * d));
    for (const dtype of DTYPES) {
      const x = view(dtype, values(dtype, outer * d * inner), [outer, d, inner]);
      const [y] = run('gather', [x, view('int32', idx, [outer, n, inner])], [out(dtype, [outer, n, inner])], {});
      const xv = read(x);
      const expected = idx.map((t, q) => {
        const o = Math.floor(q / (n * inner)), i = q % inner;
        return xv[(o * d + t) * inner + i];
      });
      expect(read(y), dtype).toEqual(expected);
    }
  });

  it('out-of-range indices: indexSelect / gather give 0, scatterAdd skips them', () => {
    const x = view('float32', [1, 2, 3, 4, 5, 6], [1, 3, 2]);
    expect(read(run('indexSelect', [x, view('int32', [1, 3, -1], [3])], [out('float32', [1, 3, 2])], {})[0])).toEqual([3, 4, 0, 0, 0, 0]);
    expect(read(run('gather', [x, view('int32', [2, 7, -4, 0], [1, 2, 2])], [out('float32', [1, 2, 2])], {})[0])).toEqual([5, 0, 0, 2]);
    const src = view('float32', [10, 20, 30, 40], [1, 2, 2]);
    expect(read(run('scatterAdd', [x, view('int32', [0, 3, -1, 2], [1, 2, 2]), src], [out('float32', [1, 3, 2])], {})[0])).toEqual([11, 2, 3, 4, 5, 46]);
  });

  it('scatterAdd accumulates repeated indices (float32 and the integer dtypes, which wrap)', () => {
    const [outer, d, inner, n] = [2, 3, 4, 6];
    const r = rng(9);
    const idx = Array.from({ length: outer * n * inner }, () => Math.floor(r() * d));
    for (const dtype of ['float32', 'int32', 'int8', 'uint8'] as const) {
      const bv = values(dtype, 2 + outer * d * inner), sv = values(dtype, outer * n * inner);
      const base = view(dtype, bv, [outer, d, inner], [d * inner, inner, 1], 2);
      const [y] = run('scatterAdd', [base, view('int32', idx, [outer, n, inner]), view(dtype, sv, [outer, n, inner])], [out(dtype, [outer, d, inner])], {});
      const expected = bv.slice(2);
      idx.forEach((t, q) => {
        const o = Math.floor(q / (n * inner)), i = q % inner;
        expected[(o * d + t) * inner + i] += sv[q];
      });
      const wrap = dtype === 'int8' ? (v: number) => (v << 24) >> 24 : dtype === 'uint8' ? (v: number) => v & 255 : (v: number) => v;
      const got = read(y);
      if (dtype === 'float32') got.forEach((g, i) => expect(Math.abs(g - expected[i])).toBeLessThan(1e-5 * (1 + Math.abs(expected[i]))));
      else expect(got, dtype).toEqual(expected.map(wrap));
    }
  });
});
