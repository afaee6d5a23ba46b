import { describe, expect, it } from 'vitest';
import { expectClose, out, randint, randn, read, run, view } from './helpers.js';

const rowsOf = (vals: number[], n: number) => Array.from({ length: vals.length / n }, (_, r) => vals.slice(r * n, r * n + n));

describe('reductions over the last axis', () => {
  it('sum / max / min / argmax on float32 with an offset', () => {
    const outer = 5, n = 37, vals = randn(outer * n + 3);
    const x = view('float32', vals, [outer, n], [n, 1], 3);
    const rows = rowsOf(vals.slice(3), n);
    expectClose(read(run('sum', [x], [out('float32', [outer])], {})[0]), rows.map((r) => Math.fround(r.reduce((a, c) => a + c, 0))), 1e-6);
    expect(read(run('max', [x], [out('float32', [outer])], {})[0])).toEqual(rows.map((r) => Math.max(...r)));
    expect(read(run('min', [x], [out('float32', [outer])], {})[0])).toEqual(rows.map((r) => Math.min(...r)));
    expect(read(run('argmax', [x], [out('int32', [outer])], {})[0])).toEqual(rows.map((r) => r.indexOf(Math.max(...r))));
  });

  it('NaN propagates through max / min and wins argmax (first one); ties give the first index', () => {
    const x = view('float32', [1, NaN, 3, NaN, 2, 5, 5, 1], [2, 4]);
    expect(read(run('max', [x], [out('float32', [2])], {})[0])).toEqual([NaN, 5]);
    expect(read(run('min', [x], [out('float32', [2])], {})[0])).toEqual([NaN, 1]);
    expect(read(run('argmax', [x], [out('int32', [2])], {})[0])).toEqual([1, 1]);
    const sum = run('sum', [x], [out('float32', [2])], {})[0];
    expect(read(sum)).toEqual([NaN, 13]);
  });

  it('integer dtypes: int32 sums wrap like int32, small ints sum into an int32 output', () => {
    const x = view('int32', [2 ** 31 - 1, 1, -5, 7], [2, 2]);
    expect(read(run('sum', [x], [out('int32', [2])], {})[0])).toEqual([-(2 ** 31), 2]);
    for (const dtype of ['int8', 'uint8', 'bool'] as const) {
      const vals = dtype === 'bool' ? [1, 0, 1, 1, 1, 1] : dtype === 'int8' ? randint(6, -128, 128) : randint(6, 1, 256);
      const v = view(dtype, vals, [2, 3]);
      const rows = rowsOf(vals, 3);
      expect(read(run('sum', [v], [out('int32', [2])], {})[0])).toEqual(rows.map((r) => r.reduce((a, c) => a + c, 0)));
      expect(read(run('max', [v], [out(dtype, [2])], {})[0])).toEqual(rows.map((r) => Math.max(...r)));
      expect(read(run('min', [v], [out(dtype, [2])], {})[0])).toEqual(rows.map((r) => Math.min(...r)));
      expect(read(run('argmax', [v], [out('int32', [2])], {})[0])).toEqual(rows.map((r) => r.indexOf(Math.max(...r))));
    }
  });

  it('a row of length 0 sums to 0', () => {
    const x = view('float32', [], [3, 0]);
    expect(read(run('sum', [x], [out('float32', [3])], {})[0])).toEqual([0, 0, 0]);
  });
});
