import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tc from '@tessera/core';
import { createCudaBackend, createCudaSimBackend, loadAddon } from '../src/index.js';

const realAddon = fileURLToPath(new URL('../build/Release/tessera_cuda.node', import.meta.url));
const deviceError = (() => {
  try {
    createCudaBackend();
    return null;
  } catch (e) {
    return e as tc.TesseraError;
  }
})();

describe('registration', () => {
  it('registers cuda (priority 50, above wasm / webgpu) and cuda-sim (priority 0)', () => {
    const names = tc.listBackends();
    expect(names).toContain('cuda');
    expect(names).toContain('cuda-sim');
    expect(names.indexOf('cuda')).toBeLessThan(names.indexOf('cuda-sim'));
  });

  it('cuda-sim says it is simulated (so it is never the default)', () => {
    const b = createCudaSimBackend();
    expect(b.name).toBe('cuda-sim');
    expect(b.info.simulated).toBe(true);
    expect(b.info.gemm).toMatch(/own GEMM/);
  });
});

const nvcc = existsSync(process.env.CUDACXX ?? '/usr/local/cuda/bin/nvcc');

describe('real addon without a device', () => {
  it.skipIf(!nvcc)('nvcc is present, so the build produced tessera_cuda.node (sm_80 + sm_90, no warnings: --Werror)', () => {
    expect(existsSync(realAddon)).toBe(true);
  });

  it.skipIf(!existsSync(realAddon))('the nvcc-built addon loads with no GPU and no driver (static cudart)', () => {
    expect(loadAddon('cuda').flavor).toBe('cuda');
  });

  it.skipIf(!deviceError)('cuda raises BackendUnavailableError ERR_NO_CUDA_DEVICE with the CUDA error', async () => {
    expect(deviceError).toBeInstanceOf(tc.BackendUnavailableError);
    expect(deviceError!.code).toBe('ERR_NO_CUDA_DEVICE');
    expect(deviceError!.message).toMatch(/no usable CUDA device|cannot be loaded/);
    await expect(tc.setBackend('cuda')).rejects.toMatchObject({ code: 'ERR_NO_CUDA_DEVICE' });
  });
});

describe('cuda-sim runtime', () => {
  it('caching allocator: freed blocks are reused, stats are reported', () => {
    const b = createCudaSimBackend();
    const before = b.memoryStats();
    const p = b.storage.alloc(1000);
    b.storage.free(p);
    const q = b.storage.alloc(700);
    expect(q).toBe(p);
    b.storage.free(q);
    expect(b.memoryStats().allocatedBytes).toBe(before.allocatedBytes);
  });

  it('out of memory raises OutOfMemoryError with the requested size', () => {
    const b = createCudaSimBackend({ memoryLimit: 64 << 20 });
    try {
      let err: unknown;
      try {
        b.storage.alloc(100 << 20);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(tc.OutOfMemoryError);
      expect((err as tc.TesseraError).code).toBe('ERR_OUT_OF_MEMORY');
      expect((err as Error).message).toContain(String(100 << 20));
    } finally {
      b.native.setMemoryLimit(0);
    }
  });

  it('async and sync reads, writes at an offset', async () => {
    const b = createCudaSimBackend();
    const id = b.storage.alloc(16);
    b.storage.write(id, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 0);
    b.storage.write(id, new Uint8Array([9, 9]), 2);
    expect(Array.from(b.storage.readSync(id, 0, 8))).toEqual([1, 2, 9, 9, 5, 6, 7, 8]);
    expect(Array.from(await b.storage.read(id, 4, 4))).toEqual([5, 6, 7, 8]);
    b.storage.free(id);
  });

  it('runs a bf16 matmul and a flash attention through core', async () => {
    tc.registerBackend('cuda-sim-test', () => createCudaSimBackend(), 0);
    await tc.setBackend('cuda-sim-test');
    const a = tc.randn([2, 65, 40], { seed: 1 }).to('bfloat16');
    const w = tc.randn([40, 33], { seed: 2 }).to('bfloat16');
    const c = tc.matmul(a, w);
    expect(c.dtype).toBe('bfloat16');
    const ref = tc.matmul(a.to('float32'), w.to('float32'));
    const diff = tc.abs(tc.sub(c.to('float32'), ref)).max().item() as number;
    expect(diff).toBeLessThan(0.1);
    const q = tc.randn([1, 2, 70, 16], { seed: 3 });
    const o = tc.scaledDotProductAttention(q, q, q, { isCausal: true });
    expect(o.shape).toEqual([1, 2, 70, 16]);
    expect(Number.isFinite(o.sum().item() as number)).toBe(true);
  });
});
