import { describe as group, expect, it, vi } from 'vitest';
import {
  backward, describe, getBackend, isTensor, memory, ready, registerBackend, tensor, tidy, keep, type Backend,
} from '@tessera/core';
import '@tessera/backend-cpu';

group('disposed storage is never reused', () => {
  it('a view of a disposed tensor is an ERR_DISPOSED error, and other tensors stay intact', () => {
    const a = tensor([1, 2, 3, 4]);
    a.dispose();
    expect(() => a.reshape([4])).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
    expect(() => a.detach()).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
    const b = tensor([9, 9, 9, 9]);
    expect(Array.from(b.dataSync())).toEqual([9, 9, 9, 9]);
    b.dispose();
  });
  it('disposing a view after its source is fine and frees once', () => {
    const before = memory();
    const a = tensor([1, 2, 3, 4]);
    const v = a.reshape([2, 2]);
    a.dispose();
    expect(Array.from(v.dataSync())).toEqual([1, 2, 3, 4]);
    v.dispose();
    v.dispose();
    expect(memory().numBytes).toBe(before.numBytes);
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before.numTensors);
  });
});

group('tidy', () => {
  it('disposes everything made inside when fn throws, and rethrows', () => {
    const before = (memory().numTensors + memory().numFreedByGC);
    expect(() => tidy(() => { tensor([1]).add(1); throw new Error('boom'); })).toThrow('boom');
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
    const t = tidy(() => tensor([2]));
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });
  it('rejects a Promise result with a typed error and leaks nothing', () => {
    const before = (memory().numTensors + memory().numFreedByGC);
    expect(() => tidy((async () => { tensor([1]); }) as never)).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
    expect(() => tidy(5 as never)).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
  });
  it('keeps tensors returned at any depth, in Maps and Sets, with cycles', () => {
    const before = (memory().numTensors + memory().numFreedByGC);
    const out = tidy(() => {
      const deep: Record<string, unknown> = { a: { b: { c: { d: { e: [tensor([1])] } } } } };
      deep.self = deep;
      return { deep, map: new Map([['k', tensor([2])]]), set: new Set([tensor([3])]), gone: undefined as unknown };
    });
    const leaves = [
      (((((out.deep.a as Record<string, unknown>).b as Record<string, unknown>).c as Record<string, unknown>).d as Record<string, unknown>).e as ReturnType<typeof tensor>[])[0]!,
      out.map.get('k')!, [...out.set][0]!,
    ];
    expect(leaves.every((t) => !t.isDisposed)).toBe(true);
    expect((memory().numTensors + memory().numFreedByGC) - before).toBe(3);
    leaves.forEach((t) => t.dispose());
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
  });
  it('keep() survives nested scopes', () => {
    const before = (memory().numTensors + memory().numFreedByGC);
    let k!: ReturnType<typeof tensor>;
    tidy(() => tidy(() => { k = keep(tensor([1]).add(2)); }));
    expect(k.isDisposed).toBe(false);
    k.dispose();
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
  });
});

group('backward arguments', () => {
  const graph = () => {
    const w = tensor([1, 2], { requiresGrad: true });
    return { w, y: w.mul(w).sum() };
  };
  it('accepts backward({ retainGraph }) and the positional retain_graph', () => {
    const { w, y } = graph();
    y.backward({ retainGraph: true });
    y.backward(undefined, true);
    y.backward();
    expect(Array.from(w.grad!.dataSync())).toEqual([6, 12]);
    expect(() => y.backward()).toThrow(/retainGraph: true/);
  });
  it('rejects non-tensor gradients and unknown options with typed errors', () => {
    const { y } = graph();
    expect(() => y.backward(5 as never)).toThrow(expect.objectContaining({ code: 'ERR_GRAD' }));
    expect(() => y.backward({ retain_graph: true } as never)).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect(() => backward('x' as never)).toThrow(expect.objectContaining({ code: 'ERR_GRAD' }));
  });
});

group('describe', () => {
  it('is short and bounded for any value', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(describe(t)).toBe('Tensor[2, 3] float32');
    t.dispose();
    expect(describe(t)).toBe('Tensor[2, 3] float32 (disposed)');
    expect(describe('x'.repeat(1000)).length).toBeLessThan(50);
    expect(describe(Array.from({ length: 1e5 }, (_, i) => i))).toBe('[0, 1, 2, 3, … 99996 more]');
    const big: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++) big[`k${i}`] = { nested: { deeper: i } };
    expect(describe(big).length).toBeLessThan(120);
    expect(describe(getBackend())).toMatch(/^(\{|[A-Z])/);
    expect(describe(new Float32Array(10))).toBe('Float32Array(10)');
    expect(isTensor(t)).toBe(true);
    expect(isTensor({ shape: [1] })).toBe(false);
  });
});

group('huge allocations', () => {
  it('an allocation over the limit is an OutOfMemoryError naming the size', async () => {
    const { checkAllocation } = await import('@tessera/core');
    expect(() => checkAllocation('zeros', [1e6, 1e6], 'float32')).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_MEMORY' }));
    expect(() => checkAllocation('zeros', [1e6, 1e6], 'float32')).toThrow(/4000000000000 bytes/);
    expect(checkAllocation('zeros', [2, 3], 'float32')).toBe(6);
  });
});

group('auto-selection says which backends it skipped', () => {
  it('one line of our own per skipped backend, once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    registerBackend('broken-test', () => { throw new Error('no device here'); }, 1e9);
    const state = (globalThis as Record<symbol, { current: Backend | null }>)[Symbol.for('@tessera/core/state')]!;
    const prev = state.current;
    state.current = null;
    try {
      const b = await ready();
      expect(b).toBeTruthy();
      expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringMatching(/^tessera: backend 'broken-test' skipped: .*no device here.*; using '/));
      state.current = null;
      await ready();
      expect(warn.mock.calls.filter((c) => String(c[0]).includes('broken-test'))).toHaveLength(1);
    } finally {
      state.current = prev;
      registerBackend('broken-test', () => { throw new Error('no device here'); }, -1e9);
      warn.mockRestore();
    }
  });
});
