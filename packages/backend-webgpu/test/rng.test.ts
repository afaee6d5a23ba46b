import { describe, expect, it } from 'vitest';
import * as tc from '@tessera/core';
import { webgpuUnavailable } from './setup-gpu.js';
import '../src/index.js';

const why = await webgpuUnavailable();

// Philox normal stream in float64, as the contract defines it, for a wider check than conformance's.
function philox(c0: number, c1: number, k0: number, k1: number): number[] {
  const mulhi = (a: number, b: number) => Number((BigInt(a) * BigInt(b)) >> 32n);
  let c2 = 0, c3 = 0;
  for (let r = 0; r < 10; r++) {
    if (r > 0) { k0 = (k0 + 0x9e3779b9) >>> 0; k1 = (k1 + 0xbb67ae85) >>> 0; }
    const hi0 = mulhi(0xd2511f53, c0), lo0 = Math.imul(0xd2511f53, c0) >>> 0;
    const hi1 = mulhi(0xcd9e8d57, c2), lo1 = Math.imul(0xcd9e8d57, c2) >>> 0;
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
  }
  return [c0, c1, c2, c3];
}

describe.skipIf(!!why)('webgpu randn accuracy', () => {
  it('20000 normals within 2 ulp of the float64 stream', async () => {
    await tc.setBackend('webgpu');
    const n = 20000, seed = 11;
    const got = await tc.randn([n], { seed }).data();
    let worst = 0;
    for (let j = 0; j < n; j++) {
      const [w0, w1] = philox(j, 0, seed, 0);
      const u1 = ((w0! >>> 8) + 1) * 2 ** -24, u2 = (w1! >>> 8) * 2 ** -24;
      const e = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(e), 1))) - 23);
      const err = Math.abs(got[j]! - e) / ulp;
      worst = Math.max(worst, err);
    }
    expect(worst).toBeLessThan(2);
  });
});
