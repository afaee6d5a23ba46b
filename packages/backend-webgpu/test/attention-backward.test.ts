import { describe, expect, it } from 'vitest';
import * as tc from '@tessera/core';
import { limits } from '../src/kernels/attentionBackward.js';
import { webgpuUnavailable } from './setup-gpu.js';

const why = await webgpuUnavailable();

/** float64 gradients of sum(attention(q, k, v, mask) * g) for [B, t, d] arrays; mask [B, tq, tk] additive. */
function reference(q: number[], k: number[], v: number[], g: number[], mask: number[] | null,
  B: number, tq: number, tk: number, d: number, dv: number, scale: number, causal: boolean) {
  const dq = new Float64Array(B * tq * d), dk = new Float64Array(B * tk * d), dV = new Float64Array(B * tk * dv);
  for (let b = 0; b < B; b++) for (let i = 0; i < tq; i++) {
    const z = new Float64Array(tk).fill(-Infinity);
    for (let j = 0; j < tk; j++) {
      if (causal && j > i + tk - tq) continue;
      let s = 0;
      for (let e = 0; e < d; e++) s += q[(b * tq + i) * d + e]! * k[(b * tk + j) * d + e]!;
      z[j] = s * scale + (mask ? mask[(b * tq + i) * tk + j]! : 0);
    }
    const m = Math.max(...z);
    if (m === -Infinity) continue;
    const p = Array.from(z, (x) => Math.exp(x - m));
    const sum = p.reduce((a, c) => a + c, 0);
    const dp = p.map((_, j) => { let s = 0; for (let e = 0; e < dv; e++) s += g[(b * tq + i) * dv + e]! * v[(b * tk + j) * dv + e]!; return s; });
    let D = 0;
    p.forEach((_, j) => { p[j]! /= sum; D += p[j]! * dp[j]!; });
    for (let j = 0; j < tk; j++) {
      const ds = p[j]! * (dp[j]! - D) * scale;
      for (let e = 0; e < dv; e++) dV[(b * tk + j) * dv + e] += p[j]! * g[(b * tq + i) * dv + e]!;
      for (let e = 0; e < d; e++) {
        dq[(b * tq + i) * d + e] += ds * k[(b * tk + j) * d + e]!;
        dk[(b * tk + j) * d + e] += ds * q[(b * tq + i) * d + e]!;
      }
    }
  }
  return [dq, dk, dV];
}

let seed = 7;
const rand = (n: number) => Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2);

interface Case { B: number; tq: number; tk: number; d: number; dv: number; causal?: boolean; mask?: 'float' | 'rows' | 'bcast'; transposed?: boolean }

async function check(c: Case): Promise<void> {
  const { B, tq, tk, d, dv } = c, scale = 0.6;
  const q = rand(B * tq * d), k = rand(B * tk * d), v = rand(B * tk * dv), g = rand(B * tq * dv);
  let mask: number[] | null = null, maskT: tc.Tensor | undefined;
  if (c.mask === 'float') { mask = rand(B * tq * tk); maskT = tc.tensor(mask, { shape: [B, tq, tk] }); }
  if (c.mask === 'rows' || c.mask === 'bcast') {
    // bool mask; query rows 1 and 3 see no key at all; 'bcast' is one [tq, tk] mask for every batch
    const keep = Array.from({ length: tq * tk }, (_, x) => Math.floor(x / tk) % 2 === 1 && Math.floor(x / tk) < 4 ? false : (x * 7) % 5 !== 0);
    mask = Array.from({ length: B }, () => keep.map((x) => (x ? 0 : -Infinity))).flat();
    maskT = tc.tensor(c.mask === 'bcast' ? keep : mask.map((x) => x === 0), { shape: c.mask === 'bcast' ? [tq, tk] : [B, tq, tk], dtype: 'bool' });
  }
  // transposed: q given as a [B, d, tq] tensor viewed back as [B, tq, d] (a strided view)
  const qT = c.transposed
    ? tc.transpose(tc.tensor(Array.from({ length: B * d * tq }, (_, x) => { const b = Math.floor(x / (d * tq)), e = Math.floor(x / tq) % d, i = x % tq; return q[(b * tq + i) * d + e]!; }), { shape: [B, d, tq] }), 1, 2)
    : tc.tensor(q, { shape: [B, tq, d] });
  const G = tc.tensor(g, { shape: [B, tq, dv] });
  const f = (a: tc.Tensor, b: tc.Tensor, cc: tc.Tensor) =>
    tc.sum(tc.mul(tc.scaledDotProductAttention(a, b, cc, { scale, isCausal: !!c.causal, ...(maskT ? { attnMask: maskT } : {}) }), G));
  const grads = tc.grad(f)(qT, tc.tensor(k, { shape: [B, tk, d] }), tc.tensor(v, { shape: [B, tk, dv] }));
  const want = reference(q, k, v, g, mask, B, tq, tk, d, dv, scale, !!c.causal);
  for (let x = 0; x < 3; x++) {
    const got = await grads[x]!.data();
    expect(got.length).toBe(want[x]!.length);
    for (let e = 0; e < got.length; e++) expect(Math.abs(got[e]! - want[x]![e]!), `grad ${x} at ${e} (${JSON.stringify(c)})`).toBeLessThan(2e-5 + 1e-4 * Math.abs(want[x]![e]!));
  }
}

describe.skipIf(!!why)('webgpu attentionBackward kernel', () => {
  it('is native on webgpu', async () => {
    const b = await tc.setBackend('webgpu');
    expect(b.kernels.some((k) => k.op === 'attentionBackward')).toBe(true);
  });

  it('matches float64 gradients: masks, fully masked rows, causal, strided q, more keys than threads', async () => {
    await tc.setBackend('webgpu');
    const cases: Case[] = [
      { B: 2, tq: 3, tk: 5, d: 4, dv: 6 },
      { B: 2, tq: 6, tk: 5, d: 3, dv: 2, mask: 'rows' },
      { B: 3, tq: 6, tk: 7, d: 4, dv: 3, mask: 'bcast', transposed: true },
      { B: 2, tq: 5, tk: 3, d: 4, dv: 3, causal: true }, // tq > tk: the first two rows see no key
      { B: 2, tq: 3, tk: 70, d: 5, dv: 37, causal: true, mask: 'float' },
      { B: 1, tq: 70, tk: 40, d: 33, dv: 4, causal: true, transposed: true },
    ];
    for (const c of cases) await check(c);
  });

  it('splits rows into several dispatches when the scratch would be large', async () => {
    await tc.setBackend('webgpu');
    const saved = limits.scratchBytes;
    limits.scratchBytes = 4 * 2 * 9 * 3; // three rows of 9 at a time
    try {
      await check({ B: 2, tq: 7, tk: 9, d: 3, dv: 2, causal: true, mask: 'float' });
    } finally {
      limits.scratchBytes = saved;
    }
  });
});
