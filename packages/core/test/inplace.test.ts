import { describe, expect, it } from 'vitest';
import { arange, memory, sliceAssign, tensor, zeros } from '@tessera/core';
import '@tessera/backend-cpu';

describe('sliceAssign', () => {
  it('writes a window along a dim in place', () => {
    const dst = zeros([2, 4, 3]);
    const src = arange(1, 13, 1, { dtype: 'float32' }).reshape([2, 2, 3]);
    expect(sliceAssign(dst, 1, 1, src)).toBe(dst);
    expect(dst.arraySync()).toEqual([
      [[0, 0, 0], [1, 2, 3], [4, 5, 6], [0, 0, 0]],
      [[0, 0, 0], [7, 8, 9], [10, 11, 12], [0, 0, 0]],
    ]);
    dst.dispose(); src.dispose();
  });
  it('takes a strided source and leaks nothing', () => {
    const dst = zeros([3, 2]);
    const src = tensor([[1, 2, 3], [4, 5, 6]]).transpose(0, 1);
    const before = (memory().numTensors + memory().numFreedByGC);
    sliceAssign(dst, 0, 0, src);
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
    expect(dst.arraySync()).toEqual([[1, 4], [2, 5], [3, 6]]);
  });
  it('rejects bad windows, dtypes and autograd tensors with typed errors', () => {
    const dst = zeros([2, 4]);
    expect(() => sliceAssign(dst, 1, 3, zeros([2, 2]))).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect(() => sliceAssign(dst, 1, 0, zeros([3, 2]))).toThrow(expect.objectContaining({ code: 'ERR_SHAPE' }));
    expect(() => sliceAssign(dst, 1, 0, zeros([2, 1], { dtype: 'int32' }))).toThrow(expect.objectContaining({ code: 'ERR_DTYPE' }));
    const g = zeros([2, 1], { requiresGrad: true });
    expect(() => sliceAssign(dst, 1, 0, g)).toThrow(expect.objectContaining({ code: 'ERR_GRAD' }));
    expect(() => sliceAssign(dst, 1, 0.5, zeros([2, 1]))).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
  });
});
