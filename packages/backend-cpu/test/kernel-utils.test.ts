import { describe, expect, it } from 'vitest';
import * as T from '@tessera/core';
import { MAX_DIMS, ShapeError, coalesceForKernel, rows } from '@tessera/core';
import { createCpuBackend } from '../src/index.js';

describe('kernel-utils', () => {
  it('rows: leading dims times last dim, the same at n = 0 and outer = 0', () => {
    expect(rows({ shape: [2, 3, 4] })).toEqual({ outer: 6, n: 4 });
    expect(rows({ shape: [5] })).toEqual({ outer: 1, n: 5 });
    expect(rows({ shape: [] })).toEqual({ outer: 1, n: 1 });
    expect(rows({ shape: [3, 0] })).toEqual({ outer: 3, n: 0 }); // 3 empty rows (a sum writes 3 zeros)
    expect(rows({ shape: [0, 5] })).toEqual({ outer: 0, n: 5 });
    expect(rows({ shape: [2, 0, 0] })).toEqual({ outer: 0, n: 0 });
    expect(rows({ shape: [0] })).toEqual({ outer: 1, n: 0 });
  });

  it('coalesceForKernel: core coalesce within MAX_DIMS, a ShapeError naming the op beyond', () => {
    expect(coalesceForKernel('x add', [2, 3], [[3, 1], [0, 0]])).toEqual({ shape: [6], strides: [[1], [0]] });
    const nd = MAX_DIMS + 1, shape = Array(nd).fill(2), rev = shape.map((_, i) => 2 ** i);
    expect(coalesceForKernel('x neg', shape.slice(1), [rev.slice(1)]).shape.length).toBe(MAX_DIMS);
    let err: unknown;
    try { coalesceForKernel('x neg', shape, [rev]); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ShapeError);
    expect(err).toMatchObject({ code: 'ERR_SHAPE' });
    expect((err as Error).message).toMatch(/^x neg: a strided view of shape \[2, 2, 2, 2, 2, 2, 2, 2, 2\] .*keeps 9 dims/);
  });

  it('row kernels on zero-size inputs: [3, 0] reduces to 3 values, [0, 5] to none', async () => {
    T.registerBackend('cpu-rows', () => createCpuBackend({ threads: 1 }), 0);
    await T.setBackend('cpu-rows');
    T.tidy(() => {
      expect(Array.from(T.zeros([3, 0]).sum(-1).dataSync())).toEqual([0, 0, 0]);
      expect(T.softmax(T.zeros([3, 0]), -1).shape).toEqual([3, 0]);
      expect(T.zeros([0, 5]).sum(-1).shape).toEqual([0]);
      expect(T.layerNorm(T.zeros([0, 5]), [5]).shape).toEqual([0, 5]);
    });
  });
});
