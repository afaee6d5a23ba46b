/** Memory: tidy / keep / dispose semantics and a 200-step training loop that must not leak tensors. */
import { expect } from 'vitest';
import * as tc from '@tessera/core';
import type { Tensor } from '@tessera/core';
import type { Ctx } from '../context.js';
import { m } from '../methods.js';
import { makeTensor } from '../check.js';
import { Rng } from '../numeric.js';
import { nd } from '../reference.js';

/** Tensors never disposed: live ones plus those the GC backstop freed (it may run at any await). */
const count = () => { const mem = tc.memory(); return mem.numTensors + mem.numFreedByGC; };

export function defineMemory(ctx: Ctx): void {
  ctx.test('memory/dispose', () => {
    const before = count();
    const bytesBefore = tc.memory().numBytes;
    const t = tc.zeros([10, 10]);
    expect(count()).toBe(before + 1);
    expect(tc.memory().numBytes).toBe(bytesBefore + 400);
    const per = tc.memory().backends[ctx.name];
    expect(per?.numTensors).toBeGreaterThanOrEqual(1);
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(count()).toBe(before);
    expect(tc.memory().numBytes).toBe(bytesBefore);
    t.dispose(); // a second dispose is a no-op
    expect(count()).toBe(before);
  });

  ctx.test('memory/tidy-disposes-intermediates', () => {
    const before = count();
    let inner: Tensor | undefined;
    const out = tc.tidy(() => {
      inner = tc.ones([4]);
      const a = tc.mul(inner, 2);
      return tc.add(a, 1);
    });
    expect(inner!.isDisposed).toBe(true);
    expect(out.isDisposed).toBe(false);
    expect(count()).toBe(before + 1);
    out.dispose();
    expect(count()).toBe(before);
  });

  ctx.test('memory/tidy-keeps-returned-structures-and-keep', () => {
    const before = count();
    let kept: Tensor | undefined;
    const res = tc.tidy(() => {
      const a = tc.ones([2]);
      kept = tc.keep(tc.mul(a, 3));
      tc.exp(a);
      return { list: [tc.add(a, 1), tc.add(a, 2)], single: tc.neg(a) };
    });
    expect(res.list.every((t: Tensor) => !t.isDisposed)).toBe(true);
    expect(res.single.isDisposed).toBe(false);
    expect(kept!.isDisposed).toBe(false);
    expect(count()).toBe(before + 4);
    [...res.list, res.single, kept!].forEach((t) => t.dispose());
    expect(count()).toBe(before);
  });

  ctx.test('memory/nested-tidy', () => {
    const before = count();
    const outer = tc.tidy(() => {
      const a = tc.ones([3]);
      const b = tc.tidy(() => tc.mul(tc.add(a, 1), 2));
      expect(a.isDisposed).toBe(false); // made by the outer scope
      return tc.add(b, a);
    });
    expect(count()).toBe(before + 1);
    outer.dispose();
  });

  ctx.test('memory/tidy-does-not-dispose-outside-tensors', () => {
    const x = tc.ones([2]);
    tc.tidy(() => { tc.add(x, 1); });
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  ctx.test('memory/200-step-training-loop-is-flat', async () => {
    const rng = new Rng('memory-mlp');
    const mk = (shape: number[], s = 0.5) => makeTensor(nd(shape, () => Math.fround(rng.signed(0.01, s))), 'float32');
    const x = mk([16, 8], 1);
    const target = tc.tensor(new Int32Array(Array.from({ length: 16 }, (_, i) => i % 4)));
    let params = [mk([8, 16]), mk([16]), mk([16, 4]), mk([4])];
    let ms = params.map((p) => tc.zerosLike(p));
    let vs = params.map((p) => tc.zerosLike(p));
    const lossFn = (w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) =>
      tc.crossEntropy(tc.add(tc.matmul(tc.relu(tc.add(tc.matmul(x, w1), b1)), w2), b2), target);
    let start = 0, firstLoss = 0, lastLoss = 0;
    for (let step = 1; step <= 200; step++) {
      const out = tc.tidy(() => {
        const { value, grads } = tc.valueAndGrad(lossFn)(...(params as [Tensor, Tensor, Tensor, Tensor])) as { value: Tensor; grads: Tensor[] };
        const upd = params.map((p, i) =>
          tc.adamwUpdate(p, grads[i]!, ms[i]!, vs[i]!, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step }));
        return { loss: value, params: upd.map((u) => u.param), ms: upd.map((u) => u.m), vs: upd.map((u) => u.v) };
      });
      for (const t of [...params, ...ms, ...vs]) t.dispose();
      ({ params, ms, vs } = out);
      const l = (await out.loss.numbers())[0]!;
      out.loss.dispose();
      if (step === 1) firstLoss = l;
      lastLoss = l;
      if (step === 10) start = count();
      if (step > 10) expect(count(), `numTensors at step ${step}`).toBe(start);
    }
    expect(lastLoss).toBeLessThan(firstLoss); // it trains
    for (const t of [...params, ...ms, ...vs, x, target]) t.dispose();
  });

  ctx.test('memory/backward-loop-is-flat', async () => {
    const w = tc.tensor([[0.5, -0.2], [0.1, 0.3]], { requiresGrad: true });
    const x = tc.tensor([[1, 2], [3, 4]]);
    let start = 0;
    for (let step = 0; step < 50; step++) {
      tc.tidy(() => { m(tc.sum(tc.square(tc.matmul(x, w)))).backward(); });
      const g = w.grad;
      w.grad = null;
      g?.dispose();
      if (step === 5) start = count();
      if (step > 5) expect(count(), `numTensors at step ${step}`).toBe(start);
    }
  });
}
