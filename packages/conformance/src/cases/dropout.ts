/** Dropout and attention dropout: seeded determinism, keep-rate, 1/(1-p) scaling, eval mode, gradient. */
import { expect } from 'vitest';
import * as tc from '@tessera/core';
import type { Tensor } from '@tessera/core';
import type { Ctx } from '../context.js';
import { makeTensor } from '../check.js';
import { Rng } from '../numeric.js';
import { nd } from '../reference.js';

const nums = async (t: Tensor): Promise<number[]> => Array.from((await t.numbers()) as ArrayLike<number>, Number);

export function defineDropout(ctx: Ctx): void {
  const input = (seed: string, shape = [64, 64]) => {
    const r = new Rng(seed);
    return makeTensor(nd(shape, () => Math.fround(r.signed(0.5, 2))), 'float32');
  };

  ctx.test('dropout/same-seed-same-mask', async () => {
    const x = input('dropout-a');
    const a = await nums(tc.dropout(x, 0.3, { seed: 11 }));
    const b = await nums(tc.dropout(x, 0.3, { seed: 11 }));
    const c = await nums(tc.dropout(x, 0.3, { seed: 12 }));
    expect(a).toEqual(b);
    expect(a.some((v, i) => (v === 0) !== (c[i] === 0))).toBe(true);
  });

  for (const p of [0.1, 0.5, 0.8]) {
    ctx.test(`dropout/rate-and-scaling-p${p}`, async () => {
      const x = input(`dropout-p${p}`, [100, 100]);
      const xs = await nums(x);
      const y = await nums(tc.dropout(x, p, { seed: 77 }));
      let zeros = 0;
      const bad: string[] = [];
      y.forEach((v, i) => {
        if (v === 0) zeros++;
        else if (Math.abs(v - xs[i]! / (1 - p)) > 1e-5 * Math.abs(v) && bad.length < 5) bad.push(`[${i}] ${v} vs ${xs[i]! / (1 - p)}`);
      });
      expect(bad, `kept elements must be x/(1-p): ${bad.join('; ')}`).toEqual([]);
      expect(Math.abs(zeros / y.length - p)).toBeLessThan(0.03);
      const ones = await nums(tc.dropout(tc.ones([100, 100]), p, { seed: 5 }));
      expect(Math.abs(ones.reduce((s, v) => s + v, 0) / ones.length - 1)).toBeLessThan(0.1);
    });
  }

  ctx.test('dropout/eval-and-p0-are-identity', async () => {
    const x = input('dropout-eval', [5, 7]);
    const xs = await nums(x);
    expect(await nums(tc.dropout(x, 0.5, { training: false }))).toEqual(xs);
    expect(await nums(tc.dropout(x, 0, { seed: 3 }))).toEqual(xs);
  });

  ctx.test('dropout/grad-is-mask-over-keep', async () => {
    const x = input('dropout-grad', [8, 9]);
    const g = input('dropout-upstream', [8, 9]);
    const p = 0.4;
    const y = await nums(tc.dropout(x, p, { seed: 21 }));
    const [dx] = tc.grad((t: Tensor) => tc.sum(tc.mul(tc.dropout(t, p, { seed: 21 }), g)))(x) as Tensor[];
    const gv = await nums(g);
    const got = await nums(dx!);
    got.forEach((v, i) => {
      const e = y[i] === 0 ? 0 : gv[i]! / (1 - p);
      expect(Math.abs(v - e), `element ${i}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(e)));
    });
  });

  ctx.test('dropout/attention-dropout-seeded', async () => {
    const q = input('attn-q', [2, 4, 8]), k = input('attn-k', [2, 4, 8]), v = input('attn-v', [2, 4, 8]);
    const a = await nums(tc.scaledDotProductAttention(q, k, v, { dropoutP: 0.5, seed: 9 }));
    const b = await nums(tc.scaledDotProductAttention(q, k, v, { dropoutP: 0.5, seed: 9 }));
    const c = await nums(tc.scaledDotProductAttention(q, k, v, { dropoutP: 0 }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.every(Number.isFinite)).toBe(true);
  });
}
