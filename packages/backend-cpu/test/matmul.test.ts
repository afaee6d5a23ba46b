import type { TensorView } from '@tessera/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createCpuBackend, type CpuBackend } from '../src/index.js';
import { PARALLEL_MIN_MACS } from '../src/util/matmul.js';
import { GemmPool } from '../src/util/pool.js';
import { be, out, randn, read, rng, run, view } from './helpers.js';

interface Operand { v: TensorView; at: (b: number, r: number, c: number) => number }

/**
 * A [batch, rows, cols] operand: row-major with leading dim cols + pad, or transposed (stored
 * [cols, rows], leading dim rows + pad); batch stride 0 when `broadcast`, else a matrix plus a gap.
 */
function operand(batch: number, rows: number, cols: number, trans: boolean, opts: { pad?: number; broadcast?: boolean; offset?: number; seed?: number } = {}, backend: CpuBackend = be): Operand {
  const { pad = 0, broadcast = false, offset = 0, seed = 1 } = opts;
  const ld = (trans ? rows : cols) + pad;
  const mat = (trans ? cols : rows) * ld;
  const sb = broadcast ? 0 : mat + 5;
  const storage = randn(offset + (broadcast ? 1 : batch) * (mat + 5), rng(seed));
  const strides = trans ? [sb, 1, ld] : [sb, ld, 1];
  const v = view('float32', storage, [batch, rows, cols], strides, offset, backend);
  return { v, at: (b, r, c) => storage[offset + b * sb + r * strides[1] + c * strides[2]] };
}

function check(a: Operand, b: Operand, batch: number, m: number, n: number, k: number, backend: CpuBackend = be): number[] {
  const [c] = run('matmul', [a.v, b.v], [out('float32', [batch, m, n], backend)], { transA: a.v.strides[1] === 1 && m > 1, transB: b.v.strides[1] === 1 && n > 1 }, backend);
  const got = read(c, backend);
  for (let bi = 0; bi < batch; bi++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let ref = 0, mag = 0;
        for (let p = 0; p < k; p++) { const t = a.at(bi, i, p) * b.at(bi, p, j); ref += t; mag += Math.abs(t); }
        const g = got[(bi * m + i) * n + j];
        if (!(Math.abs(g - ref) <= 1e-6 * mag + 1e-30)) throw new Error(`C[${bi},${i},${j}] = ${g}, expected ${ref} (m ${m} n ${n} k ${k})`);
      }
    }
  }
  return got;
}

const TRANS = [[false, false], [false, true], [true, false], [true, true]] as const;

describe('matmul (1 thread)', () => {
  it('every trans combination on small odd sizes 1, 3, 17', () => {
    for (const [ta, tb] of TRANS) for (const m of [1, 3, 17]) for (const n of [1, 3, 17]) for (const k of [1, 3, 17]) {
      check(operand(1, m, k, ta, { seed: m + k }), operand(1, k, n, tb, { seed: n * k }), 1, m, n, k);
    }
  });

  it('larger odd sizes (65, 130) cross the register tile, K and panel blocks', () => {
    for (const [ta, tb] of TRANS) {
      for (const [m, n, k] of [[65, 130, 17], [130, 65, 130], [17, 130, 65], [3, 65, 300]]) {
        check(operand(1, m, k, ta, { seed: 3 }), operand(1, k, n, tb, { seed: 4 }), 1, m, n, k);
      }
    }
    check(operand(1, 9, 1100, false), operand(1, 1100, 1030, false), 1, 9, 1030, 1100); // > NC columns
  });

  it('leading dims larger than the row, offsets, batch strides with gaps and batch broadcast (stride 0)', () => {
    for (const [ta, tb] of TRANS) {
      const a = operand(3, 17, 65, ta, { pad: 3, offset: 2, seed: 5 });
      const b = operand(3, 65, 13, tb, { pad: 7, broadcast: true, offset: 1, seed: 6 });
      check(a, b, 3, 17, 13, 65);
      check(operand(4, 5, 7, ta, { broadcast: true, seed: 7 }), operand(4, 7, 6, tb, { pad: 1, seed: 8 }), 4, 5, 6, 7);
    }
  });

  it('k = 0 gives zeros; an empty m or n is fine', () => {
    expect(read(run('matmul', [view('float32', [], [1, 2, 0]), view('float32', [], [1, 0, 3])], [out('float32', [1, 2, 3])], { transA: false, transB: false })[0])).toEqual([0, 0, 0, 0, 0, 0]);
    expect(read(run('matmul', [view('float32', [], [2, 0, 4]), view('float32', randn(8), [2, 4, 1])], [out('float32', [2, 0, 1])], { transA: false, transB: false })[0])).toEqual([]);
  });
});

describe('matmul (2 threads)', () => {
  const be2 = createCpuBackend({ threads: 2 });
  afterAll(() => be2.dispose());

  it('splits rows, batches and columns across the worker and matches the reference', () => {
    const spy = vi.spyOn(GemmPool.prototype, 'run');
    const cases: [number, number, number, number][] = [[1, 130, 130, 130], [3, 65, 130, 130], [1, 3, 4001, 200], [2, 130, 17, 500]];
    for (const [batch, m, n, k] of cases) {
      expect(batch * m * n * k).toBeGreaterThanOrEqual(PARALLEL_MIN_MACS);
      for (const [ta, tb] of TRANS) {
        const a = operand(batch, m, k, ta, { pad: 1, offset: 3, seed: m }, be2);
        const b = operand(batch, k, n, tb, { broadcast: batch > 1, seed: n }, be2);
        check(a, b, batch, m, n, k, be2);
      }
    }
    expect(spy.mock.results.length).toBe(cases.length * TRANS.length);
    expect(spy.mock.results.every((r) => r.value === true)).toBe(true);
    spy.mockRestore();
  });

  it('small matmuls stay on the calling thread; after dispose everything runs single-threaded', () => {
    const b2 = createCpuBackend({ threads: 2 });
    const spy = vi.spyOn(GemmPool.prototype, 'run');
    check(operand(1, 20, 20, false, {}, b2), operand(1, 20, 20, true, {}, b2), 1, 20, 20, 20, b2);
    expect(spy).not.toHaveBeenCalled();
    check(operand(1, 130, 130, false, {}, b2), operand(1, 130, 130, false, {}, b2), 1, 130, 130, 130, b2);
    expect(spy.mock.results[0].value).toBe(true);
    b2.dispose();
    check(operand(1, 130, 130, false, {}, b2), operand(1, 130, 130, false, {}, b2), 1, 130, 130, 130, b2);
    expect(spy.mock.results[1].value).toBe(false);
    spy.mockRestore();
  });
});
