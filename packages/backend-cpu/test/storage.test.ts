import { OutOfMemoryError } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { CpuStorage, createCpuBackend } from '../src/index.js';

describe('cpu storage', () => {
  const s = new CpuStorage();

  it('writes, reads back (sync and async) at byte offsets, and copies on read', async () => {
    const id = s.alloc(10);
    s.write(id, new Uint8Array([1, 2, 3]), 4);
    const r = s.readSync(id, 3, 5);
    expect([...r]).toEqual([0, 1, 2, 3, 0]);
    r[1] = 99;
    expect([...(await s.read(id, 4, 3))]).toEqual([1, 2, 3]);
  });

  it('rejects out-of-range writes and reads', async () => {
    const id = s.alloc(4);
    expect(() => s.write(id, new Uint8Array(5))).toThrow(/overruns/);
    expect(() => s.readSync(id, 2, 3)).toThrow(/overruns/);
    await expect(s.read(id, 0, 8)).rejects.toThrow(/overruns/);
  });

  it('throws OutOfMemoryError naming the size when the allocation fails', () => {
    const huge = 2 ** 52;
    expect(() => s.alloc(huge)).toThrow(OutOfMemoryError);
    expect(() => s.alloc(huge)).toThrow(String(huge));
  });

  it('rejects bad sizes and foreign ids; freed memory is gone', () => {
    expect(() => s.alloc(-1)).toThrow(/non-negative/);
    expect(() => s.free({})).toThrow(/not allocated by the cpu backend/);
    const id = s.alloc(8);
    s.free(id);
    expect(() => s.readSync(id, 0, 1)).toThrow(/overruns/);
    expect(s.alloc(0).bytes.byteLength).toBe(0);
  });

  it('describes itself', () => {
    const b = createCpuBackend({ threads: 3 });
    expect(b.name).toBe('cpu');
    expect(b.info).toEqual({ description: 'pure TypeScript', threads: 3 });
    expect(createCpuBackend().info.threads).toBeGreaterThanOrEqual(1);
    for (const threads of [0, 1.5, NaN]) expect(() => createCpuBackend({ threads })).toThrow(/positive integer/);
    b.dispose();
  });
});
