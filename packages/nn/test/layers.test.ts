/**
 * Layer-level checks against float64 formulas written here: activations, positional encodings,
 * initialiser statistics, the gated MLP, grouped-query attention and the KV cache.
 */
import { describe, expect, it } from 'vitest';
import { manualSeed, memory, randn, tensor, tidy, type Tensor } from '@tessera/core';
import '@tessera/backend-cpu';
import {
  ACTIVATIONS, activation, ConfigError, GatedMLP, KVCache, Linear, LayerNorm, RMSNorm, RotaryEmbedding, applyRotary,
  attend, gpt2ResidualInit, kaimingUniformInit, normalInit, paddingMask, sinusoidalPositions, splitHeads, mergeHeads,
  xavierUniformInit, NnError,
} from '../src/index.js';

const f64 = (t: Tensor) => Float64Array.from(t.dataSync() as Float32Array);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const erf = (x: number) => {
  // Abramowitz-Stegun 7.1.26 is too coarse; integrate with a series for |x| < 3 (float64).
  let s = 0, term = x;
  for (let n = 0; n < 200; n++) { s += term / (2 * n + 1); term *= (-x * x) / (n + 1); }
  return (2 / Math.sqrt(Math.PI)) * s;
};

describe('activations', () => {
  const xs = Array.from({ length: 41 }, (_, i) => -4 + i * 0.2);
  const x = tensor(xs);
  const ref: Record<string, (v: number) => number> = {
    relu: (v) => Math.max(v, 0),
    gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
    gelu_new: (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
    silu: (v) => v / (1 + Math.exp(-v)),
    quick_gelu: (v) => v / (1 + Math.exp(-1.702 * v)),
  };
  for (const [name, f] of Object.entries(ref)) {
    it(`${name} matches its float64 formula`, () => {
      const y = ACTIVATIONS[name]!(x);
      expect(maxDiff(f64(y), xs.map(f))).toBeLessThan(2e-6);
      y.dispose();
    });
  }
  it('gelu (erf) and gelu_new (tanh) differ measurably, so a swapped form would be caught', () => {
    const a = f64(ACTIVATIONS.gelu!(x)), b = f64(ACTIVATIONS.gelu_new!(x));
    expect(maxDiff(a, b)).toBeGreaterThan(1e-4);
  });
  it('an unknown name is a ConfigError naming it and the known ones', () => {
    expect(() => activation('gelu_fastest', 'GPT2Config.activation_function')).toThrow(ConfigError);
    expect(() => activation('gelu_fastest', 'GPT2Config.activation_function')).toThrow(/gelu_fastest.*known: relu/);
  });
});

describe('positional encodings', () => {
  it('sinusoidal: sin on even, cos on odd channels of p / 10000^(2i/d)', () => {
    const P = 12, D = 8;
    const t = sinusoidalPositions(P, D);
    expect(t.shape).toEqual([P, D]);
    const want: number[] = [];
    for (let p = 0; p < P; p++) for (let j = 0; j < D; j++) {
      const a = p / 10000 ** ((j - (j % 2)) / D);
      want.push(j % 2 ? Math.cos(a) : Math.sin(a));
    }
    expect(maxDiff(f64(t), want)).toBeLessThan(1e-6);
    t.dispose();
  });

  it('rotary (rotate-half): matches a float64 rotation of pairs (i, i + d/2) and only relative positions matter', () => {
    const B = 1, H = 2, T = 5, D = 8, theta = 500;
    const rope = new RotaryEmbedding(D, theta);
    const q = randn([B, H, T, D], { seed: 3 });
    const pos = tensor(new Int32Array([0, 3, 7, 8, 20]), { shape: [B, T] });
    const [cos, sin] = rope.cosSin(pos);
    const y = applyRotary(q, cos, sin);
    const qv = f64(q), p = [0, 3, 7, 8, 20];
    const want = new Float64Array(qv.length);
    for (let h = 0; h < H; h++) for (let t = 0; t < T; t++) for (let i = 0; i < D / 2; i++) {
      const a = p[t]! * theta ** ((-2 * i) / D);
      const o = (h * T + t) * D;
      const x1 = qv[o + i]!, x2 = qv[o + i + D / 2]!;
      want[o + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
      want[o + i + D / 2] = x2 * Math.cos(a) + x1 * Math.sin(a);
    }
    expect(maxDiff(f64(y), want)).toBeLessThan(2e-5);
    // <R(m) q, R(n) k> depends on m - n only: shift every position by 11
    const k = randn([B, H, T, D], { seed: 4 });
    const dots = (shift: number) => tidy(() => {
      const ps = tensor(new Int32Array(p.map((v) => v + shift)), { shape: [B, T] });
      const [c, s] = rope.cosSin(ps);
      return f64(applyRotary(q, c, s).matmul(applyRotary(k, c, s).transpose(-2, -1)));
    });
    expect(maxDiff(dots(0), dots(11))).toBeLessThan(1e-4);
    [q, k, pos, cos, sin, y].forEach((t) => t.dispose());
  });
});

describe('initialisers', () => {
  const stats = (t: Tensor) => {
    const v = f64(t);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    return { mean, sd, maxAbs: v.reduce((a, b) => Math.max(a, Math.abs(b)), 0) };
  };
  it('normal, GPT-2 scaled residual, xavier and kaiming have the documented scale', () => {
    manualSeed(5);
    const n = normalInit(0.02)([200, 100]);
    expect(stats(n).sd).toBeCloseTo(0.02, 3);
    expect(Math.abs(stats(n).mean)).toBeLessThan(1e-3);
    const g = gpt2ResidualInit(0.02, 8)([200, 100]);
    expect(stats(g).sd).toBeCloseTo(0.02 / 4, 3);
    const xu = xavierUniformInit()([64, 192]); // fanIn 192, fanOut 64
    const bound = Math.sqrt(6 / 256);
    expect(stats(xu).maxAbs).toBeLessThanOrEqual(bound);
    expect(stats(xu).maxAbs).toBeGreaterThan(0.95 * bound);
    expect(stats(xu).sd).toBeCloseTo(bound / Math.sqrt(3), 2);
    const ku = kaimingUniformInit(Math.sqrt(5))([32, 300]); // PyTorch's Linear default: U(±1/√fanIn)
    expect(stats(ku).maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(300));
    expect(stats(ku).maxAbs).toBeGreaterThan(0.95 / Math.sqrt(300));
    [n, g, xu, ku].forEach((t) => t.dispose());
  });
});

describe('layers', () => {
  it('Linear, LayerNorm, RMSNorm and the gated MLP equal their formulas', () => {
    const x = randn([2, 3, 6], { seed: 9 });
    const xv = f64(x);
    const lin = new Linear(6, 4);
    const W = f64(lin.weight), b = f64(lin.bias!);
    const y = f64(lin.forward(x));
    const want: number[] = [];
    for (let r = 0; r < 6; r++) for (let o = 0; o < 4; o++) {
      let s = b[o]!;
      for (let i = 0; i < 6; i++) s += xv[r * 6 + i]! * W[o * 6 + i]!;
      want.push(s);
    }
    expect(maxDiff(y, want)).toBeLessThan(1e-5);

    const rows = (f: (row: number[]) => number[]) => {
      const out: number[] = [];
      for (let r = 0; r < 6; r++) out.push(...f(Array.from(xv.slice(r * 6, r * 6 + 6))));
      return out;
    };
    const ln = new LayerNorm(6, 1e-5);
    expect(maxDiff(f64(ln.forward(x)), rows((row) => {
      const m = row.reduce((a, c) => a + c, 0) / 6;
      const v = row.reduce((a, c) => a + (c - m) ** 2, 0) / 6;
      return row.map((c) => (c - m) / Math.sqrt(v + 1e-5));
    }))).toBeLessThan(1e-5);
    const rms = new RMSNorm(6, 1e-6);
    expect(maxDiff(f64(rms.forward(x)), rows((row) => {
      const ms = row.reduce((a, c) => a + c * c, 0) / 6;
      return row.map((c) => c / Math.sqrt(ms + 1e-6));
    }))).toBeLessThan(1e-5);

    const mlp = new GatedMLP(6, 5, ACTIVATIONS.silu!, { init: normalInit(0.5) });
    const G = f64(mlp.gate_proj.weight), U = f64(mlp.up_proj.weight), Dn = f64(mlp.down_proj.weight);
    expect(mlp.namedParameters().map(([k]) => k)).toEqual(['gate_proj.weight', 'up_proj.weight', 'down_proj.weight']);
    expect(maxDiff(f64(mlp.forward(x)), rows((row) => {
      const h = Array.from({ length: 5 }, (_, j) => {
        let g = 0, u = 0;
        for (let i = 0; i < 6; i++) { g += row[i]! * G[j * 6 + i]!; u += row[i]! * U[j * 6 + i]!; }
        return (g / (1 + Math.exp(-g))) * u;
      });
      return Array.from({ length: 6 }, (_, o) => h.reduce((a, c, j) => a + c * Dn[o * 5 + j]!, 0));
    }))).toBeLessThan(1e-5);
    [x, lin, ln, rms, mlp].forEach((m) => m.dispose());
  });
});

describe('attention', () => {
  /** float64 reference: heads h use kv head floor(h / rep); causal bottom-right; keyMask[b][s]. */
  function reference(q: Float64Array, k: Float64Array, v: Float64Array, B: number, H: number, Hkv: number, T: number, S: number, D: number, keyMask: number[][]) {
    const out = new Float64Array(B * H * T * D);
    const rep = H / Hkv;
    for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let t = 0; t < T; t++) {
      const kh = Math.floor(h / rep);
      const sc: number[] = [];
      for (let s = 0; s < S; s++) {
        const ok = s <= t + S - T && keyMask[b]![s] === 1;
        let d = 0;
        for (let e = 0; e < D; e++) d += q[((b * H + h) * T + t) * D + e]! * k[((b * Hkv + kh) * S + s) * D + e]!;
        sc.push(ok ? d / Math.sqrt(D) : -Infinity);
      }
      const m = Math.max(...sc);
      const p = sc.map((z) => (m === -Infinity ? 0 : Math.exp(z - m)));
      const z = p.reduce((a, c) => a + c, 0) || 1;
      for (let e = 0; e < D; e++) {
        let acc = 0;
        for (let s = 0; s < S; s++) acc += (p[s]! / z) * v[((b * Hkv + kh) * S + s) * D + e]!;
        out[((b * H + h) * T + t) * D + e] = acc;
      }
    }
    return out;
  }

  it('grouped-query attention with causal and padding masks equals a float64 reference', () => {
    const B = 2, H = 4, Hkv = 2, T = 5, D = 3;
    const q = randn([B, H, T, D], { seed: 11 }), k = randn([B, Hkv, T, D], { seed: 12 }), v = randn([B, Hkv, T, D], { seed: 13 });
    const maskRows = [[1, 1, 1, 1, 1], [0, 0, 1, 1, 1]];
    const mask = tensor(new Int32Array(maskRows.flat()), { shape: [B, T] });
    const y = attend(q, k, v, { mask: paddingMask(mask), causal: true });
    const want = reference(f64(q), f64(k), f64(v), B, H, Hkv, T, T, D, maskRows);
    expect(maxDiff(f64(y), want)).toBeLessThan(1e-5);
    expect(() => attend(q, randn([B, 3, T, D]), randn([B, 3, T, D]))).toThrow(NnError);
    [q, k, v, mask, y].forEach((t) => t.dispose());
  });

  it('splitHeads / mergeHeads are inverse', () => {
    const x = randn([2, 3, 8], { seed: 1 });
    const s = splitHeads(x, 4);
    expect(s.shape).toEqual([2, 4, 3, 2]);
    expect(Array.from(mergeHeads(s).dataSync())).toEqual(Array.from(x.dataSync()));
  });
});

describe('KVCache', () => {
  it('writes steps in place, returns every position so far, and rejects overflow and a wrong batch', () => {
    const before = (memory().numTensors + memory().numFreedByGC);
    const cache = new KVCache({ numLayers: 2, numKvHeads: 2, headDim: 3 }, { batchSize: 1, maxLength: 4 });
    const k1 = randn([1, 2, 3, 3], { seed: 1 }), v1 = randn([1, 2, 3, 3], { seed: 2 });
    const k2 = randn([1, 2, 1, 3], { seed: 3 }), v2 = randn([1, 2, 1, 3], { seed: 4 });
    tidy(() => { cache.checkStep(1, 3, 't'); cache.update(0, k1, v1); });
    cache.advance(3);
    const [K, V] = tidy(() => { cache.checkStep(1, 1, 't'); return cache.update(0, k2, v2); });
    cache.advance(1);
    expect(K.shape).toEqual([1, 2, 4, 3]);
    const want = tidy(() => f64(k1.reshape([2, 3, 3]).contiguous()));
    const got = f64(K.contiguous());
    for (let h = 0; h < 2; h++) {
      expect(Array.from(got.slice(h * 12, h * 12 + 9))).toEqual(Array.from(want.slice(h * 9, h * 9 + 9)));
      expect(Array.from(got.slice(h * 12 + 9, h * 12 + 12))).toEqual(Array.from(f64(k2).slice(h * 3, h * 3 + 3)));
    }
    expect(Array.from(f64(V.contiguous()).slice(9, 12))).toEqual(Array.from(f64(v2).slice(0, 3)));
    expect(() => cache.checkStep(1, 1, 'GPT2Model.forward')).toThrow(/exceed the cache's maxLength 4/);
    expect(() => cache.checkStep(2, 0, 'GPT2Model.forward')).toThrow(/batch 1/);
    expect(() => new KVCache({ numLayers: 1, numKvHeads: 1, headDim: 1 }, { batchSize: 0, maxLength: 4 })).toThrow(NnError);
    cache.reset();
    expect(cache.length).toBe(0);
    [K, V, k1, v1, k2, v2].forEach((t) => t.dispose());
    cache.dispose();
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
  });
});
