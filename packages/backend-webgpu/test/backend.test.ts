import { describe, expect, it } from 'vitest';
import * as tc from '@tessera/core';
import { createWebGpuBackend, type WebGpuBackend } from '../src/index.js';
import { webgpuUnavailable } from './setup-gpu.js';

const why = await webgpuUnavailable();

describe.skipIf(!!why)('webgpu backend contract', () => {
  it('registers as webgpu (priority 40) and marks software adapters simulated', async () => {
    expect(tc.listBackends()).toContain('webgpu');
    const b = (await tc.setBackend('webgpu')) as WebGpuBackend;
    expect(b.name).toBe('webgpu');
    expect((b.storage as tc.BackendStorage).readSync).toBeUndefined();
    if (/swiftshader/i.test(b.info.description)) expect(b.info.simulated).toBe(true);
  });

  it('dataSync throws SyncReadError, data() works', async () => {
    const t = tc.tensor([1, 2, 3]);
    expect(() => t.dataSync()).toThrow(expect.objectContaining({ code: 'ERR_SYNC_READ' }));
    expect(Array.from(await t.data())).toEqual([1, 2, 3]);
  });

  it('an allocation above the device limit is OutOfMemoryError with the size', async () => {
    const b = (await tc.setBackend('webgpu')) as WebGpuBackend;
    const size = b.device.limits.maxBufferSize + 4;
    expect(() => b.storage.alloc(size)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_MEMORY', message: expect.stringContaining(String(size)) }));
  });

  it('many ops batch into few submits, and freed buffers are reused', async () => {
    const b = (await tc.setBackend('webgpu')) as WebGpuBackend;
    const before = b.runtime.batch;
    let x = tc.tensor([1, 2, 3, 4]);
    for (let i = 0; i < 50; i++) { const y = tc.add(x, 1); x.dispose(); x = y; }
    expect(b.runtime.batch).toBe(before); // nothing submitted until the read
    expect(Array.from(await x.data())).toEqual([51, 52, 53, 54]);
    expect(b.runtime.batch).toBe(before + 1);
  });

  it('a lost device turns into BackendUnavailableError', async () => {
    const b = await createWebGpuBackend();
    const d = b.storage.alloc(16);
    b.device.destroy();
    await new Promise((r) => setTimeout(r, 50));
    await b.device.lost;
    await expect(b.storage.read(d, 0, 16)).rejects.toMatchObject({ code: 'ERR_DEVICE_LOST' });
    expect(() => b.storage.alloc(16)).toThrow(tc.BackendUnavailableError);
  });
});
