import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { crossEntropy, manualSeed, matmul, memory, randn, tensor, tidy, type Tensor } from '@tessera/core';
import { GPT2Config, GPT2LMHeadModel } from '@tessera/nn';
import { Adam, AdamW, clipGradNorm, configureOptimizers, SGD, TrainError } from '../src/index.js';

interface Arr { shape: number[]; data: number[] }
const fx = JSON.parse(readFileSync(new URL('./fixtures/mlp_step.json', import.meta.url), 'utf8')) as {
  inputs: Record<string, Arr>; outputs: Record<string, Arr>; grads: Record<string, Arr>; tolerance: { rtol: number; atol: number };
};
const NAMES = ['w1', 'b1', 'w2', 'b2'] as const;
const leaf = (a: Arr) => { const t = tensor(Float32Array.from(a.data), { shape: a.shape }); t.requiresGrad = true; return t; };

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number, what: string) {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!);
    if (!(e <= atol + rtol * Math.abs(want[i]!))) throw new Error(`${what}[${i}]: got ${got[i]}, want ${want[i]} (|diff| ${e.toExponential(2)})`);
  }
}

/** The fixture's MLP: loss and gradients by backward. */
function mlpParams(): Record<(typeof NAMES)[number], Tensor> {
  const p = Object.fromEntries(NAMES.map((n) => [n, leaf(fx.inputs[n]!)])) as Record<(typeof NAMES)[number], Tensor>;
  const loss = tidy(() => {
    const x = tensor(Float32Array.from(fx.inputs.x!.data), { shape: fx.inputs.x!.shape });
    const y = tensor(Int32Array.from(fx.inputs.target!.data), { shape: [6], dtype: 'int32' });
    const h = matmul(x, p.w1.transpose(0, 1)).add(p.b1).gelu();
    const l = crossEntropy(matmul(h, p.w2.transpose(0, 1)).add(p.b2), y);
    l.backward();
    return l.item();
  });
  expect(loss).toBeCloseTo(fx.outputs.loss!.data[0]!, 5);
  return p;
}

describe('optimizers against PyTorch (torch-ops/mlp_step.json)', () => {
  const { rtol, atol } = fx.tolerance;

  it('gradients of the MLP match', () => {
    const p = mlpParams();
    for (const n of NAMES) expectClose(p[n].grad!.dataSync(), fx.grads[n]!.data, rtol, atol, `grad ${n}`);
  });

  it('AdamW: one step', () => {
    const p = mlpParams();
    const opt = new AdamW(NAMES.map((n) => p[n]), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 });
    opt.step();
    for (const n of NAMES) expectClose(p[n].dataSync(), fx.outputs[`${n}_after_adamw`]!.data, rtol, atol, `${n} after AdamW`);
    expect(opt.state.get(p.w1)!.step).toBe(1);
  });

  it('SGD with momentum: two steps with the same gradients', () => {
    const p = mlpParams();
    const opt = new SGD(NAMES.map((n) => p[n]), { lr: 0.1, momentum: 0.9 });
    opt.step();
    for (const n of NAMES) expectClose(p[n].dataSync(), fx.outputs[`${n}_after_sgd_step1`]!.data, rtol, atol, `${n} after SGD 1`);
    opt.step();
    for (const n of NAMES) expectClose(p[n].dataSync(), fx.outputs[`${n}_after_sgd_step2`]!.data, rtol, atol, `${n} after SGD 2`);
  });
});

/** Fresh random params and grads (never zeros) with float64 copies. */
function randomCase(seed: number, n = 37) {
  const p = randn([n], { seed }); p.requiresGrad = true;
  const grads = [1, 2, 3].map((k) => randn([n], { seed: seed + k }));
  return { p, grads, p64: Float64Array.from(p.dataSync()), g64: grads.map((g) => Float64Array.from(g.dataSync())) };
}

describe('update formulas by hand (float64)', () => {
  it('Adam with L2 weight decay, three steps', () => {
    const { p, grads, p64, g64 } = randomCase(10);
    const [lr, b1, b2, eps, wd] = [0.01, 0.8, 0.95, 1e-6, 0.1];
    const opt = new Adam([p], { lr, betas: [b1, b2], eps, weightDecay: wd });
    const m = new Float64Array(p64.length), v = new Float64Array(p64.length);
    grads.forEach((g, s) => {
      p.grad = g.clone();
      opt.step();
      for (let i = 0; i < p64.length; i++) {
        const gi = g64[s]![i]! + wd * p64[i]!;
        m[i] = b1 * m[i]! + (1 - b1) * gi;
        v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
        p64[i] = p64[i]! - lr * (m[i]! / (1 - b1 ** (s + 1))) / (Math.sqrt(v[i]! / (1 - b2 ** (s + 1))) + eps);
      }
    });
    expectClose(p.dataSync(), p64, 1e-5, 1e-6, 'Adam');
  });

  it('AdamW decays apart from the gradient', () => {
    const { p, grads, p64, g64 } = randomCase(20);
    const [lr, wd] = [0.01, 0.5];
    const opt = new AdamW([p], { lr, weightDecay: wd });
    p.grad = grads[0]!.clone();
    opt.step();
    for (let i = 0; i < p64.length; i++) {
      const g = g64[0]![i]!;
      p64[i] = p64[i]! * (1 - lr * wd) - lr * ((1 - 0.9) * g / 0.1) / (Math.sqrt((1 - 0.999) * g * g / 0.001) + 1e-8);
    }
    expectClose(p.dataSync(), p64, 1e-5, 1e-6, 'AdamW');
  });

  for (const [name, o] of [
    ['plain', { lr: 0.1 }],
    ['weight decay', { lr: 0.1, weightDecay: 0.3 }],
    ['momentum + dampening', { lr: 0.05, momentum: 0.9, dampening: 0.25 }],
    ['Nesterov', { lr: 0.05, momentum: 0.7, nesterov: true, weightDecay: 0.01 }],
  ] as const) {
    it(`SGD ${name}, three steps`, () => {
      const { p, grads, p64, g64 } = randomCase(30);
      const opt = new SGD([p], o);
      const { lr } = o;
      const wd = 'weightDecay' in o ? o.weightDecay : 0, mom = 'momentum' in o ? o.momentum : 0;
      const damp = 'dampening' in o ? o.dampening : 0, nest = 'nesterov' in o && o.nesterov;
      let buf: Float64Array<ArrayBufferLike> | null = null;
      grads.forEach((g, s) => {
        p.grad = g.clone();
        opt.step();
        const d = g64[s]!.map((x, i) => x + wd * p64[i]!);
        let u: Float64Array<ArrayBufferLike> = d;
        if (mom) {
          buf = buf ? buf.map((b, i) => mom * b + (1 - damp) * d[i]!) : Float64Array.from(d);
          u = nest ? d.map((x, i) => x + mom * buf![i]!) : buf;
        }
        for (let i = 0; i < p64.length; i++) p64[i] = p64[i]! - lr * u[i]!;
      });
      expectClose(p.dataSync(), p64, 1e-5, 1e-6, `SGD ${name}`);
    });
  }

  it('stateDict / loadStateDict: a restored optimizer continues identically', () => {
    const a = randomCase(40), b = randomCase(40);
    const oa = new AdamW([a.p], { lr: 0.01 }), ob = new AdamW([b.p], { lr: 0.01 });
    a.p.grad = a.grads[0]!.clone(); oa.step();
    b.p.grad = b.grads[0]!.clone(); ob.step();
    const fresh = new AdamW([b.p], { lr: 0.5 });
    fresh.loadStateDict(ob.stateDict());
    expect(fresh.paramGroups[0]!.lr).toBe(0.01);
    a.p.grad = a.grads[1]!.clone(); oa.step();
    b.p.grad = b.grads[1]!.clone(); fresh.step();
    expect(Array.from(b.p.dataSync())).toEqual(Array.from(a.p.dataSync()));
    expect(fresh.state.get(b.p)!.step).toBe(2);
  });

  it('holds the live tensor count flat over many steps', () => {
    const { p, grads } = randomCase(50);
    const opt = new SGD([p], { lr: 0.01, momentum: 0.9, weightDecay: 0.1 });
    const step = () => { p.grad = grads[0]!.clone(); opt.step(); opt.zeroGrad(); };
    step();
    const before = (memory().numTensors + memory().numFreedByGC);
    for (let i = 0; i < 50; i++) step();
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
  });

  it('rejects bad arguments with typed errors', () => {
    const { p } = randomCase(60);
    expect(() => new AdamW([], {})).toThrow(TrainError);
    expect(() => new AdamW([p], { lr: -1 })).toThrow(/lr must be a finite number/);
    expect(() => new AdamW([p], { betas: [0.9] as never })).toThrow(/betas/);
    expect(() => new AdamW([p], { momentum: 0.9 } as never)).toThrow(/unknown option 'momentum'/);
    expect(() => new SGD([p], undefined as never)).toThrow(/lr has no default/);
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => new SGD([p, p], { lr: 0.1 })).toThrow(/more than one group/);
    const frozen = randn([3]);
    expect(() => new SGD([frozen], { lr: 0.1 })).toThrow(/does not require a gradient/);
  });
});

describe('configureOptimizers', () => {
  it("decays ≥ 2-D tensors (weights, embeddings) and not biases or norm gains, as nanoGPT", () => {
    manualSeed(1);
    const model = new GPT2LMHeadModel(GPT2Config.from({ vocabSize: 50, nPositions: 16, nEmbd: 16, nLayer: 2, nHead: 2 }));
    const opt = configureOptimizers(model, { lr: 3e-4, weightDecay: 0.1 });
    const [decay, none] = opt.paramGroups;
    const named = new Map(model.namedParameters().map(([n, t]) => [t, n]));
    expect(decay!.weightDecay).toBe(0.1);
    expect(none!.weightDecay).toBe(0);
    expect(decay!.params.map((t) => named.get(t))).toContain('transformer.wte.weight');
    expect(decay!.params.every((t) => t.ndim >= 2)).toBe(true);
    expect(none!.params.map((t) => named.get(t))).toEqual(expect.arrayContaining(['transformer.h.0.ln_1.weight', 'transformer.h.0.attn.c_attn.bias']));
    expect(decay!.params.length + none!.params.length).toBe(model.parameters().length);
    expect(opt.paramGroups.every((g) => g.lr === 3e-4)).toBe(true);
    model.dispose();
  });
});

describe('clipGradNorm', () => {
  it('returns the total norm and scales every gradient in place when above maxNorm', () => {
    const ps = [randn([4, 5], { seed: 1 }), randn([7], { seed: 2 })];
    ps.forEach((p, i) => { p.requiresGrad = true; p.grad = randn(p.shape, { seed: 10 + i }).mul(3); });
    const g64 = ps.map((p) => Float64Array.from(p.grad!.dataSync()));
    const norm64 = Math.sqrt(g64.reduce((s, g) => s + g.reduce((a, x) => a + x * x, 0), 0));
    const total = clipGradNorm(ps, 1.5);
    expect(total.item()).toBeCloseTo(norm64, 4);
    const coef = 1.5 / (norm64 + 1e-6);
    ps.forEach((p, i) => expectClose(p.grad!.dataSync(), g64[i]!.map((x) => x * coef), 1e-5, 1e-7, `grad ${i}`));
    // below maxNorm nothing changes
    const again = clipGradNorm(ps, 100);
    expect(again.item()).toBeCloseTo(1.5, 4);
    ps.forEach((p, i) => expectClose(p.grad!.dataSync(), g64[i]!.map((x) => x * coef), 1e-5, 1e-7, `grad ${i} unchanged`));
    expect(() => clipGradNorm([randn([2])], 1)).toThrow(/no parameter has a gradient/);
    expect(() => clipGradNorm(ps, -1)).toThrow(/maxNorm/);
  });
});
