import { describe, expect, it } from 'vitest';
import { erfRef, expectClose, out, randn, read, run, view } from './helpers.js';

const rowsOf = (vals: number[], n: number) => Array.from({ length: vals.length / n }, (_, r) => vals.slice(r * n, r * n + n));
const f32 = (vals: number[], shape: number[], offset = 0) =>
  view('float32', [...Array<number>(offset).fill(0), ...vals], shape, undefined, offset);

describe('fused kernels', () => {
  const outer = 4, n = 9;
  const xs = randn(outer * n);
  xs[0] = 1000; // a large logit: must not overflow
  const x = f32(xs, [outer, n], 2);

  it('softmax / logSoftmax over the last axis', () => {
    const lse = rowsOf(xs, n).map((r) => { const m = Math.max(...r); return m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0)); });
    expectClose(read(run('softmax', [x], [out('float32', [outer, n])], {})[0]), xs.map((v, i) => Math.exp(v - lse[Math.floor(i / n)])), 1e-6, 1e-9);
    expectClose(read(run('logSoftmax', [x], [out('float32', [outer, n])], {})[0]), xs.map((v, i) => v - lse[Math.floor(i / n)]), 1e-6, 1e-6);
  });

  it('layerNorm with and without weight / bias (biased variance)', () => {
    const w = randn(n, undefined, 0.5, 1.5), b = randn(n);
    for (const [hasWeight, hasBias] of [[true, true], [true, false], [false, true], [false, false]]) {
      const inputs = [x, ...(hasWeight ? [f32(w, [n], 1)] : []), ...(hasBias ? [f32(b, [n])] : [])];
      const [y] = run('layerNorm', inputs, [out('float32', [outer, n])], { eps: 1e-5, hasWeight, hasBias });
      const expected = rowsOf(xs, n).flatMap((r) => {
        const mean = r.reduce((s, v) => s + v, 0) / n;
        const variance = r.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
        return r.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * (hasWeight ? w[i] : 1) + (hasBias ? b[i] : 0));
      });
      expectClose(read(y), expected, 1e-5, 1e-6);
    }
  });

  it('rmsNorm with and without weight', () => {
    const w = randn(n);
    for (const hasWeight of [true, false]) {
      const [y] = run('rmsNorm', hasWeight ? [x, f32(w, [n])] : [x], [out('float32', [outer, n])], { eps: 1e-6, hasWeight });
      const expected = rowsOf(xs, n).flatMap((r) => {
        const rms = Math.sqrt(r.reduce((s, v) => s + v * v, 0) / n + 1e-6);
        return r.map((v, i) => (v / rms) * (hasWeight ? w[i] : 1));
      });
      expectClose(read(y), expected, 1e-5, 1e-7);
    }
  });

  it('gelu exact (erf) and tanh approximation', () => {
    const v = randn(50, undefined, 0.01, 6);
    const g = f32(v, [50]);
    const exact = v.map((t) => 0.5 * t * (1 + erfRef(t / Math.SQRT2)));
    const tanh = v.map((t) => 0.5 * t * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (t + 0.044715 * t ** 3))));
    expectClose(read(run('gelu', [g], [out('float32', [50])], { approximate: 'none' })[0]), exact, 1e-6, 1e-7);
    expectClose(read(run('gelu', [g], [out('float32', [50])], { approximate: 'tanh' })[0]), tanh, 1e-6, 1e-7);
  });

  it('crossEntropy with label smoothing, ignoreIndex rows give 0, a bad target gives NaN', () => {
    const targets = [3, -100, 0, 8];
    for (const s of [0, 0.1]) {
      const [loss] = run('crossEntropy', [x, view('int32', targets, [outer])], [out('float32', [outer])], { ignoreIndex: -100, labelSmoothing: s });
      const expected = rowsOf(xs, n).map((r, i) => {
        if (targets[i] === -100) return 0;
        const m = Math.max(...r), lse = m + Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0));
        const logp = r.map((v) => v - lse);
        return -(1 - s) * logp[targets[i]] - (s / n) * logp.reduce((a, v) => a + v, 0);
      });
      expectClose(read(loss), expected, 1e-5, 1e-5);
    }
    const [bad] = run('crossEntropy', [x, view('int32', [9, 0, 0, 0], [outer])], [out('float32', [outer])], { ignoreIndex: -1, labelSmoothing: 0 });
    expect(read(bad)[0]).toBeNaN();
  });

  it('adamw matches the PyTorch update (float32 moments feed the step)', () => {
    const len = 20, [p, g, m] = [randn(len), randn(len), randn(len)], v = randn(len).map(Math.abs);
    const attrs = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 3 };
    const outs = run('adamw', [p, g, m, v].map((a) => f32(a, [len])), [0, 1, 2].map(() => out('float32', [len])), attrs);
    const m2 = m.map((mi, i) => Math.fround(0.9 * mi + 0.1 * g[i]));
    const v2 = v.map((vi, i) => Math.fround(0.999 * vi + 0.001 * g[i] ** 2));
    const p2 = p.map((pi, i) => pi - 1e-2 * (0.01 * pi + m2[i] / (1 - 0.9 ** 3) / (Math.sqrt(v2[i] / (1 - 0.999 ** 3)) + 1e-8)));
    expectClose(read(outs[0]), p2, 1e-6, 1e-7);
    expect(read(outs[1])).toEqual(m2);
    expect(read(outs[2])).toEqual(v2);
  });
});

describe('attention', () => {
  const B = 2, d = 4, dv = 3;

  /** float64 reference; mask(b, i, j) additive; fully masked rows give 0. */
  function reference(q: number[], k: number[], v: number[], tq: number, tk: number, scale: number, causal: boolean, mask?: (b: number, i: number, j: number) => number) {
    const o: number[] = [];
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < tq; i++) {
        const s = Array.from({ length: tk }, (_, j) => {
          if (causal && j > i + tk - tq) return -Infinity;
          let dot = 0;
          for (let t = 0; t < d; t++) dot += q[(b * tq + i) * d + t] * k[(b * tk + j) * d + t];
          return dot * scale + (mask ? mask(b, i, j) : 0);
        });
        const m = Math.max(...s);
        const p = s.map((z) => (m === -Infinity ? 0 : Math.exp(z - m)));
        const z = p.reduce((a, c) => a + c, 0) || 1;
        for (let t = 0; t < dv; t++) o.push(p.reduce((a, pj, j) => a + pj * v[(b * tk + j) * dv + t], 0) / z);
      }
    }
    return o;
  }

  function attend(tq: number, tk: number, causal: boolean, mask?: { storage: number[]; strides: number[]; offset: number }) {
    const q = randn(B * tq * d), k = randn(B * tk * d), v = randn(B * tk * dv);
    const scale = 1 / Math.sqrt(d);
    const inputs = [f32(q, [B, tq, d], 1), f32(k, [B, tk, d]), f32(v, [B, tk, dv], 2)];
    if (mask) inputs.push(view('float32', mask.storage, [B, tq, tk], mask.strides, mask.offset));
    const [o] = run('attention', inputs, [out('float32', [B, tq, dv])], { scale, causal, hasMask: !!mask });
    const mf = mask && ((b: number, i: number, j: number) => mask.storage[mask.offset + b * mask.strides[0] + i * mask.strides[1] + j * mask.strides[2]]);
    return { got: read(o), want: reference(q, k, v, tq, tk, scale, causal, mf) };
  }

  it('plain, causal (tq < tk aligns bottom-right, as with a KV cache) and causal tq == tk', () => {
    for (const [tq, tk, causal] of [[3, 5, false], [3, 5, true], [4, 4, true], [1, 6, true]] as const) {
      const { got, want } = attend(tq, tk, causal);
      expectClose(got, want, 1e-5, 1e-6);
    }
  });

  it('causal with tq > tk: leading rows see no key and give zeros, not NaN', () => {
    const { got, want } = attend(5, 3, true);
    expect(got.slice(0, 2 * dv)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(got.some(Number.isNaN)).toBe(false);
    expectClose(got, want, 1e-5, 1e-6);
  });

  it('reads q, k, v through their strides (k stored transposed, v shared by the batch)', () => {
    const tq = 3, tk = 5;
    const q = randn(B * tq * d), kT = randn(B * d * tk), v1 = randn(tk * dv);
    const k = Array.from({ length: B * tk * d }, (_, q2) => {
      const b = Math.floor(q2 / (tk * d)), j = Math.floor(q2 / d) % tk, t = q2 % d;
      return kT[b * d * tk + t * tk + j];
    });
    const v = [...v1, ...v1];
    const inputs = [f32(q, [B, tq, d]), view('float32', kT, [B, tk, d], [d * tk, 1, tk]), view('float32', v1, [B, tk, dv], [0, dv, 1])];
    const [o] = run('attention', inputs, [out('float32', [B, tq, dv])], { scale: 0.5, causal: true, hasMask: false });
    expectClose(read(o), reference(q, k, v, tq, tk, 0.5, true), 1e-5, 1e-6);
  });

  it('a broadcast padding mask (strides 0 on query) with -inf, and a fully masked row gives zeros', () => {
    const tq = 3, tk = 4;
    const pad = [0, 0, -Infinity, -Infinity, /* batch 1 */ -Infinity, -Infinity, -Infinity, -Infinity];
    const { got, want } = attend(tq, tk, false, { storage: [7, ...pad], strides: [tk, 0, 1], offset: 1 });
    expect(got.slice(tq * dv)).toEqual(Array(tq * dv).fill(0));
    expectClose(got, want, 1e-5, 1e-6);
    const bias = randn(tq * tk);
    const r = attend(tq, tk, true, { storage: bias, strides: [0, tk, 1], offset: 0 }); // batch-broadcast additive bias
    expectClose(r.got, r.want, 1e-5, 1e-6);
  });
});
