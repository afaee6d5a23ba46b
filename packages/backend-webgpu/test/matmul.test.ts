import { describe, expect, it } from 'vitest';
import * as tc from '@tessera/core';
import { createWebGpuBackend } from '../src/index.js';
import { webgpuUnavailable } from './setup-gpu.js';

const why = await webgpuUnavailable();

/** float64 reference of c[b] = op(a[b]) op(w[b]). */
function ref(a: Float32Array, w: Float32Array, B: number, m: number, k: number, n: number, bcastW: boolean): Float64Array {
  const c = new Float64Array(B * m * n);
  for (let b = 0; b < B; b++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += a[b * m * k + i * k + t]! * w[(bcastW ? 0 : b) * k * n + t * n + j]!;
    c[b * m * n + i * n + j] = s;
  }
  return c;
}

describe.skipIf(!!why)('webgpu matmul (tiled kernel edges)', () => {
  it('odd sizes, batch, broadcast and transposed views match float64', async () => {
    tc.registerBackend('webgpu-mm', createWebGpuBackend, 0);
    await tc.setBackend('webgpu-mm');
    for (const [B, m, k, n] of [[1, 1, 1, 1], [2, 67, 33, 70], [3, 5, 130, 9], [1, 64, 16, 64]] as const) {
      const a = tc.rand([B, m, k]), w = tc.rand([1, k, n]);
      const A = (await a.data()) as Float32Array, W = (await w.data()) as Float32Array;
      const e = ref(A, W, B, m, k, n, true);
      const got = (await tc.matmul(a, w).data()) as Float32Array;
      const gotT = (await tc.matmul(tc.transpose(tc.contiguous(tc.transpose(a, 1, 2)), 1, 2), w).data()) as Float32Array;
      for (const g of [got, gotT]) for (let i = 0; i < e.length; i++) expect(Math.abs(g[i]! - e[i]!)).toBeLessThan(1e-5 * k);
    }
  });
});
