import { DTYPES, type DType, type OpName } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { erf as erfImpl } from '../src/util/erf.js';
import { LAYOUTS_3x4, LAYOUT_4D, LAYOUT_4D_CONTIG, type Layout } from './layouts.js';
import { erfRef, expectClose, logical, out, randint, randn, read, rng, run, view } from './helpers.js';

const fr = Math.fround;
const UNARY: Record<string, { f: (x: number) => number; positive?: boolean }> = {
  neg: { f: (x) => -x },
  exp: { f: Math.exp },
  log: { f: Math.log, positive: true },
  sqrt: { f: Math.sqrt, positive: true },
  rsqrt: { f: (x) => 1 / Math.sqrt(x), positive: true },
  sin: { f: Math.sin },
  cos: { f: Math.cos },
  tanh: { f: Math.tanh },
  abs: { f: Math.abs },
  sigmoid: { f: (x) => 1 / (1 + Math.exp(-x)) },
  erf: { f: erfRef },
};

/** Storage values for a layout: random non-zero numbers of the dtype. */
function data(dtype: DType, n: number, seed: number, positive = false): number[] {
  const r = rng(seed);
  switch (dtype) {
    case 'int32': return randint(n, -(2 ** 31), 2 ** 31, r);
    case 'int8': return randint(n, -128, 128, r);
    case 'uint8': return randint(n, 1, 256, r);
    case 'bool': return Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
    default: return randn(n, r).map((x) => (positive ? Math.abs(x) : x));
  }
}

function strided(dtype: DType, l: Layout, seed: number, positive = false) {
  const storage = data(dtype, l.storage, seed, positive);
  return { v: view(dtype, storage, l.shape, l.strides, l.offset), values: logical(storage, l.shape, l.strides, l.offset) };
}

const ALL_LAYOUTS = [...LAYOUTS_3x4, LAYOUT_4D];

describe('unary kernels', () => {
  for (const [op, { f, positive }] of Object.entries(UNARY)) {
    it(`${op}: float32 on every layout`, () => {
      for (const l of ALL_LAYOUTS) {
        const x = strided('float32', l, op.length * 31 + l.storage, positive);
        const [y] = run(op as OpName, [x.v], [out('float32', l.shape)], {} as never);
        expectClose(read(y), x.values.map((v) => fr(f(v))), 2e-7, 1e-7);
      }
    });
  }

  it('neg and abs on integer dtypes wrap like C (-(-2^31) = -2^31, -(uint8 1) = 255)', () => {
    const wrap: Record<string, (x: number) => number> = { int32: (x) => x | 0, int8: (x) => (x << 24) >> 24, uint8: (x) => x & 255 };
    for (const dtype of ['int32', 'int8', 'uint8'] as const) {
      for (const l of [LAYOUTS_3x4[0], LAYOUTS_3x4[2], LAYOUT_4D]) {
        const x = strided(dtype, l, 5 + l.storage);
        for (const [op, f] of [['neg', (v: number) => -v], ['abs', Math.abs]] as const) {
          const [y] = run(op, [x.v], [out(dtype, l.shape)], {});
          expect(read(y)).toEqual(x.values.map((v) => wrap[dtype](f(v))));
        }
      }
    }
    const [y] = run('neg', [view('int32', [-(2 ** 31), 7], [2])], [out('int32', [2])], {});
    expect(read(y)).toEqual([-(2 ** 31), -7]);
  });

  it('erf matches quadrature and tabulated values to 1e-13 relative, and its limits', () => {
    for (let x = -7; x <= 7; x += 0.0625) {
      const ref = Math.abs(x) < 1e-12 ? 0 : erfRef(x);
      expect(Math.abs(erfImpl(x) - ref)).toBeLessThanOrEqual(1e-13 * Math.abs(ref) + 1e-300);
    }
    const table: [number, number][] = [[0.01, 0.011283415555849618], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527], [3, 0.9999779095030014]];
    for (const [x, e] of table) expect(Math.abs(erfImpl(x) - e) / e).toBeLessThan(1e-15);
    expect(erfImpl(1e-30)).toBeCloseTo((2 / Math.sqrt(Math.PI)) * 1e-30, 40); // erf(x) ≈ 2x/√π for tiny x
    expect([erfImpl(Infinity), erfImpl(-Infinity), erfImpl(0), erfImpl(NaN)]).toEqual([1, -1, 0, NaN]);
  });
});

// ---------------------------------------------------------------------------------------------

const w32 = (x: number) => x | 0, w8 = (x: number) => (x << 24) >> 24, wu8 = (x: number) => x & 255;
const WRAP: Record<string, (x: number) => number> = { int32: w32, int8: w8, uint8: wu8, bool: (x) => x, float32: fr };
const b = (c: boolean) => (c ? 1 : 0);
const BINARY: Record<string, { f: (a: number, b: number, dtype: DType) => number; dtypes: DType[]; bool?: boolean }> = {
  add: { f: (a, c) => a + c, dtypes: ['float32', 'int32', 'int8', 'uint8'] },
  sub: { f: (a, c) => a - c, dtypes: ['float32', 'int32', 'int8', 'uint8'] },
  mul: { f: (a, c, d) => (d === 'float32' ? a * c : Math.imul(a, c)), dtypes: ['float32', 'int32', 'int8', 'uint8', 'bool'] },
  div: { f: (a, c) => a / c, dtypes: ['float32'] },
  pow: { f: (a, c) => Math.pow(Math.abs(a), c), dtypes: ['float32'] },
  maximum: { f: (a, c) => Math.max(a, c), dtypes: ['float32', 'int32', 'int8', 'uint8', 'bool'] },
  minimum: { f: (a, c) => Math.min(a, c), dtypes: ['float32', 'int32', 'int8', 'uint8', 'bool'] },
  lt: { f: (a, c) => b(a < c), dtypes: ['float32', 'int32', 'int8', 'uint8', 'bool'], bool: true },
  le: { f: (a, c) => b(a <= c), dtypes: ['float32', 'int32', 'int8', 'uint8', 'bool'], bool: true },
  eq: { f: (a, c) => b(a === c), dtypes: ['float32', 'int32', 'int8', 'uint8', 'bool'], bool: true },
};

describe('binary kernels', () => {
  for (const [op, { f, dtypes, bool }] of Object.entries(BINARY)) {
    it(`${op}: ${dtypes.join(', ')} on every pair of layouts`, () => {
      for (const dtype of dtypes) {
        const layouts = [...LAYOUTS_3x4.map((l) => [l, l.shape] as const), [LAYOUT_4D, LAYOUT_4D.shape] as const];
        for (const [la] of layouts) {
          for (const [lb] of layouts) {
            if (la.shape.length !== lb.shape.length) continue;
            const a = strided(dtype, la, 3 + la.storage * 7);
            // pow takes |a| as base so results stay real; eq needs some equal pairs: reuse a's values.
            const bb = op === 'eq' && la === lb ? { v: a.v, values: a.values } : strided(dtype, lb, 5 + lb.storage * 13);
            if (op === 'pow') a.v = view('float32', a.values.map(Math.abs), la.shape);
            const outDtype = bool ? 'bool' : dtype;
            const [y] = run(op as OpName, [a.v, bb.v], [out(outDtype, la.shape)], {} as never);
            const expected = a.values.map((x, i) => WRAP[outDtype](f(x, bb.values[i], dtype)));
            if (dtype === 'float32') expectClose(read(y), expected, 2e-7, 0);
            else expect(read(y), `${op} ${dtype} ${la.name} x ${lb.name}`).toEqual(expected);
          }
        }
      }
    });
  }

  it('int32 add / sub / mul wrap modulo 2^32 and mul is exact', () => {
    const a = view('int32', [2 ** 31 - 1, -(2 ** 31), 123456789, -987654321], [4]);
    const c = view('int32', [1, 1, 987654321, 123456789], [4]);
    expect(read(run('add', [a, c], [out('int32', [4])], {})[0])).toEqual([-(2 ** 31), -(2 ** 31) + 1, 1111111110, -864197532]);
    expect(read(run('sub', [a, c], [out('int32', [4])], {})[0])).toEqual([2 ** 31 - 2, 2 ** 31 - 1, -864197532, -1111111110]);
    expect(read(run('mul', [a, c], [out('int32', [4])], {})[0])).toEqual([2 ** 31 - 1, -(2 ** 31), Math.imul(123456789, 987654321), Math.imul(-987654321, 123456789)]);
  });

  it('maximum / minimum propagate NaN; pow follows C at its special points', () => {
    const a = view('float32', [NaN, 1, 2, -Infinity], [4]), c = view('float32', [1, NaN, -3, 5], [4]);
    expect(read(run('maximum', [a, c], [out('float32', [4])], {})[0])).toEqual([NaN, NaN, 2, 5]);
    expect(read(run('minimum', [a, c], [out('float32', [4])], {})[0])).toEqual([NaN, NaN, -3, -Infinity]);
    const base = view('float32', [1, 1, -1, -1, NaN, -8, 0, 2], [8]);
    const ex = view('float32', [NaN, Infinity, Infinity, -Infinity, 0, 1 / 3, -1, 0.5], [8]);
    expect(read(run('pow', [base, ex], [out('float32', [8])], {})[0])).toEqual([1, 1, 1, 1, 1, NaN, Infinity, fr(Math.SQRT2)]);
  });

  it('comparisons on NaN are false (eq too) and give bool', () => {
    const a = view('float32', [NaN, 1, NaN], [3]), c = view('float32', [NaN, NaN, 2], [3]);
    for (const op of ['lt', 'le', 'eq'] as const) expect(read(run(op, [a, c], [out('bool', [3])], {})[0])).toEqual([0, 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('where and copy', () => {
  it('where: every dtype (f16 / bf16 bits too) on strided, broadcast condition and operands', () => {
    for (const dtype of DTYPES) {
      for (const [lc, la, lb] of [[0, 0, 0], [3, 2, 1], [5, 6, 4], [2, 5, 3]] as const) {
        const cond = strided('bool', LAYOUTS_3x4[lc], 17 + lc);
        const a = strided(dtype, LAYOUTS_3x4[la], 19 + la), c = strided(dtype, LAYOUTS_3x4[lb], 23 + lb);
        const [y] = run('where', [cond.v, a.v, c.v], [out(dtype, [3, 4])], {});
        const dec = (vs: number[]) => read(view(dtype, vs, [vs.length]));
        expect(read(y)).toEqual(dec(cond.values.map((t, i) => (t ? a.values[i] : c.values[i]))));
      }
    }
  });

  it('copy: every dtype and layout', () => {
    for (const dtype of DTYPES) {
      for (const l of [...ALL_LAYOUTS, LAYOUT_4D_CONTIG]) {
        const x = strided(dtype, l, 29 + l.storage);
        const [y] = run('copy', [x.v], [out(dtype, l.shape)], {});
        expect(read(y)).toEqual(read(view(dtype, x.values, [x.values.length])));
      }
    }
  });

  it('copy: long rows take the bulk path, 0-d views work', () => {
    const storage = randn(300);
    const x = view('float32', storage, [2, 100], [150, 1], 7);
    expect(read(run('copy', [x], [out('float32', [2, 100])], {})[0])).toEqual(logical(storage, [2, 100], [150, 1], 7));
    const s = view('int32', [4, 5, 6], [], [], 2);
    expect(read(run('copy', [s], [out('int32', [])], {})[0])).toEqual([6]);
  });
});
