import { describe, expect, it } from 'vitest';
import type { TensorView } from '@tessera/core';
import { createCudaSimBackend } from '../src/index.js';
import attentionBackward from '../src/kernels/attentionBackward.js';

// The attentionBackward kernel on cuda-sim, called directly, against a float64 reference.
const backend = createCudaSimBackend();

function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return out;
}

function upload(data: Float32Array, shape: number[], strides: number[]): TensorView {
  const id = backend.storage.alloc(Math.max(4, data.byteLength));
  backend.storage.write(id, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { data: id, dtype: 'float32', shape, strides, offset: 0 };
}
const contiguous = (shape: number[]): number[] => [shape[1]! * shape[2]!, shape[2]!, 1];
const output = (shape: number[]): TensorView => upload(new Float32Array(shape[0]! * shape[1]! * shape[2]!).fill(NaN), shape, contiguous(shape));
const download = (v: TensorView, n: number): Float32Array => {
  const b = backend.storage.readSync(v.data, 0, n * 4);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + n * 4));
};

interface Case { B: number; tq: number; tk: number; d: number; dv: number; causal: boolean; mask: boolean }

function reference(c: Case, q: Float32Array, k: Float32Array, v: Float32Array, mask: Float32Array | null, dO: Float32Array, scale: number) {
  const { B, tq, tk, d, dv, causal } = c;
  const dq = new Float64Array(B * tq * d), dk = new Float64Array(B * tk * d), dV = new Float64Array(B * tk * dv);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < tq; i++) {
      const p = new Float64Array(tk), dp = new Float64Array(tk);
      let m = -Infinity;
      for (let j = 0; j < tk; j++) {
        let acc = 0;
        for (let x = 0; x < d; x++) acc += q[(b * tq + i) * d + x]! * k[(b * tk + j) * d + x]!;
        p[j] = causal && j > i + (tk - tq) ? -Infinity : acc * scale + (mask ? mask[i * tk + j]! : 0);
        m = Math.max(m, p[j]!);
      }
      let l = 0;
      for (let j = 0; j < tk; j++) { p[j] = m === -Infinity ? 0 : Math.exp(p[j]! - m); l += p[j]!; }
      let D = 0;
      for (let j = 0; j < tk; j++) {
        p[j] = l > 0 ? p[j]! / l : 0;
        for (let x = 0; x < dv; x++) dp[j] += dO[(b * tq + i) * dv + x]! * v[(b * tk + j) * dv + x]!;
        D += p[j]! * dp[j]!;
      }
      for (let j = 0; j < tk; j++) {
        const ds = p[j]! * (dp[j]! - D);
        for (let x = 0; x < dv; x++) dV[(b * tk + j) * dv + x] += p[j]! * dO[(b * tq + i) * dv + x]!;
        for (let x = 0; x < d; x++) {
          dq[(b * tq + i) * d + x] += scale * ds * k[(b * tk + j) * d + x]!;
          dk[(b * tk + j) * d + x] += scale * ds * q[(b * tq + i) * d + x]!;
        }
      }
    }
  return [dq, dk, dV] as const;
}

const maxErr = (ref: Float64Array, got: Float32Array): number => {
  let e = 0;
  for (let i = 0; i < ref.length; i++) e = Math.max(e, Math.abs(ref[i]! - got[i]!) / (1 + Math.abs(ref[i]!)));
  return e;
};

describe('attentionBackward kernel (cuda-sim) vs float64 reference', () => {
  const cases: Case[] = [
    { B: 2, tq: 37, tk: 45, d: 16, dv: 8, causal: false, mask: true },
    { B: 2, tq: 37, tk: 45, d: 16, dv: 8, causal: true, mask: true },
    { B: 1, tq: 50, tk: 33, d: 7, dv: 5, causal: true, mask: false },
    { B: 3, tq: 5, tk: 70, d: 9, dv: 11, causal: false, mask: false },
    { B: 2, tq: 65, tk: 65, d: 12, dv: 12, causal: true, mask: true },
  ];
  for (const c of cases) {
    it(`B${c.B} ${c.tq}x${c.tk} d${c.d}/${c.dv}${c.causal ? ' causal' : ''}${c.mask ? ' mask (stride-0 batch)' : ''}`, () => {
      const { B, tq, tk, d, dv } = c;
      const scale = 1 / Math.sqrt(d);
      const q = rand(B * tq * d, 1), k = rand(B * tk * d, 2), v = rand(B * tk * dv, 3), dO = rand(B * tq * dv, 4);
      const mask = c.mask ? rand(tq * tk, 5, -2, 0) : null;
      if (mask && tq > 3) for (let j = 0; j < tk; j++) mask[3 * tk + j] = -Infinity; // a fully masked row
      // k stored transposed ([B, d, tk]) to exercise strided inputs
      const kT = new Float32Array(k.length);
      for (let b = 0; b < B; b++) for (let j = 0; j < tk; j++) for (let x = 0; x < d; x++) kT[(b * d + x) * tk + j] = k[(b * tk + j) * d + x]!;
      const inputs = [
        upload(q, [B, tq, d], contiguous([B, tq, d])),
        upload(kT, [B, tk, d], [tk * d, 1, tk]),
        upload(v, [B, tk, dv], contiguous([B, tk, dv])),
        ...(mask ? [upload(mask, [B, tq, tk], [0, tk, 1])] : []),
        upload(dO, [B, tq, dv], contiguous([B, tq, dv])),
      ];
      const outputs = [output([B, tq, d]), output([B, tk, d]), output([B, tk, dv])];
      attentionBackward.run({ backend, inputs, outputs, attrs: { scale, causal: c.causal, hasMask: c.mask } });
      const [rq, rk, rv] = reference(c, q, k, v, mask, dO, scale);
      expect(maxErr(rq, download(outputs[0]!, rq.length))).toBeLessThan(1e-5);
      expect(maxErr(rk, download(outputs[1]!, rk.length))).toBeLessThan(1e-5);
      expect(maxErr(rv, download(outputs[2]!, rv.length))).toBeLessThan(1e-5);
      if (mask && tq > 3) for (let x = 0; x < d; x++) expect(download(outputs[0]!, B * tq * d)[3 * d + x]).toBe(0);
      for (const t of [...inputs, ...outputs]) backend.storage.free(t.data);
    });
  }
});
