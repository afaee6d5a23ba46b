/**
 * Autograd semantics: backward / accumulation / detach / noGrad / grad / valueAndGrad, and gradients
 * through composite graphs. The per-op gradient checks are registered by defineGradCases (check.ts)
 * over every differentiable op case.
 */
import { expect } from 'vitest';
import * as tc from '@tessera/core';
import type { Tensor } from '@tessera/core';
import { G, type OpCase } from '../check.js';
import type { Ctx } from '../context.js';
import { m } from '../methods.js';
import * as R from '../reference.js';

const nums = async (t: Tensor | null | undefined): Promise<number[]> => {
  if (!t) throw new Error('expected a gradient tensor, got null');
  return Array.from((await t.numbers()) as ArrayLike<number>, Number);
};
const close = (a: number[], e: number[], tol = 1e-5) => {
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => expect(Math.abs(v - e[i]!), `element ${i}: ${v} vs ${e[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e[i]!))));
};

export function defineAutograd(ctx: Ctx): void {
  ctx.test('autograd/backward-scalar', async () => {
    const x = tc.tensor([1, -2, 3], { requiresGrad: true });
    m(tc.sum(tc.mul(x, x))).backward();
    close(await nums(x.grad), [2, -4, 6]);
  });

  ctx.test('autograd/backward-accumulates-across-calls', async () => {
    const x = tc.tensor([0.5, 1.5], { requiresGrad: true });
    m(tc.sum(tc.mul(x, x))).backward();
    m(tc.sum(tc.mul(x, 3))).backward();
    close(await nums(x.grad), [1 + 3, 3 + 3]);
    x.grad = null;
    expect(x.grad).toBeNull();
    m(tc.sum(x)).backward();
    close(await nums(x.grad), [1, 1]);
  });

  ctx.test('autograd/backward-with-upstream-grad', async () => {
    const x = tc.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const y = tc.mul(x, 2);
    m(y).backward(tc.tensor([[1, 0.5], [-1, 2]]));
    close(await nums(x.grad), [2, 1, -2, 4]);
  });

  ctx.test('autograd/backward-nonscalar-without-grad-throws', () => {
    const x = tc.tensor([1, 2], { requiresGrad: true });
    let err: unknown;
    try { m(tc.mul(x, 2)).backward(); } catch (e) { err = e; }
    expect((err as { code?: string })?.code).toBe('ERR_GRAD');
  });

  ctx.test('autograd/shared-input-and-diamond', async () => {
    // f = sum(x*x + exp(x) * x): df/dx = 2x + exp(x)(1 + x)
    const xs = [0.3, -0.7, 1.1];
    const x = tc.tensor(xs, { requiresGrad: true });
    const e = tc.exp(x);
    m(tc.sum(tc.add(tc.mul(x, x), tc.mul(e, x)))).backward();
    close(await nums(x.grad), xs.map((v) => 2 * v + Math.exp(v) * (1 + v)));
  });

  ctx.test('autograd/detach-stops-gradient', async () => {
    const x = tc.tensor([1, 2, 3], { requiresGrad: true });
    const d = m(x).detach();
    expect(d.requiresGrad).toBe(false);
    m(tc.sum(tc.mul(d, x))).backward();
    close(await nums(x.grad), [1, 2, 3]);
  });

  ctx.test('autograd/noGrad', async () => {
    const x = tc.tensor([1, 2], { requiresGrad: true });
    const y = tc.noGrad(() => tc.mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    const z = tc.mul(x, 2);
    expect(z.requiresGrad).toBe(true);
  });

  ctx.test('autograd/leaf-without-requiresGrad-gets-no-grad', async () => {
    const a = tc.tensor([1, 2], { requiresGrad: true });
    const b = tc.tensor([3, 4]);
    m(tc.sum(tc.mul(a, b))).backward();
    close(await nums(a.grad), [3, 4]);
    expect(b.grad).toBeNull();
  });

  ctx.test('autograd/grad-function', async () => {
    const f = (a: Tensor, b: Tensor) => tc.sum(tc.mul(tc.mul(a, a), b));
    const a = tc.tensor([1, 2, 3]);
    const b = tc.tensor([0.5, -1, 2]);
    const g = tc.grad(f)(a, b) as Tensor[];
    expect(g.length).toBe(2);
    close(await nums(g[0]), [1, -4, 12]);
    close(await nums(g[1]), [1, 4, 9]);
  });

  ctx.test('autograd/valueAndGrad', async () => {
    const f = (w: Tensor) => tc.sum(tc.square(w));
    const w = tc.tensor([[1, -2], [0.5, 3]]);
    const { value, grads } = tc.valueAndGrad(f)(w) as { value: Tensor; grads: Tensor[] };
    close(await nums(value), [1 + 4 + 0.25 + 9]);
    close(await nums(grads[0]), [2, -4, 1, 6]);
  });

  ctx.test('autograd/grad-broadcast-reduces', async () => {
    const a = tc.tensor([[1, 2, 3], [4, 5, 6]]);
    const b = tc.tensor([10, 20, 30]);
    const s = tc.tensor(2);
    const [ga, gb, gs] = tc.grad((x: Tensor, y: Tensor, z: Tensor) => tc.sum(tc.mul(tc.add(x, y), z)))(a, b, s) as Tensor[];
    expect(ga!.shape).toEqual([2, 3]);
    expect(gb!.shape).toEqual([3]);
    expect(gs!.shape).toEqual([]);
    close(await nums(gb), [4, 4, 4]);
    close(await nums(gs), [21 + 120]);
  });

  ctx.test('autograd/view-grads-through-slices', async () => {
    const x = tc.tensor([[1, 2, 3, 4], [5, 6, 7, 8]], { requiresGrad: true });
    const v = tc.slice(tc.transpose(x, 0, 1), 0, 1, 4, 2); // rows 1 and 3 of x^T
    m(tc.sum(tc.mul(v, tc.tensor([[1, 2], [3, 4]])))).backward();
    close(await nums(x.grad), [0, 1, 0, 3, 0, 2, 0, 4]);
  });
}

/** Composite graphs (a two-layer MLP, attention block) whose gradient goes through many ops at once. */
export function compositeGradCases(): OpCase[] {
  return [
    {
      id: 'composite/mlp-gelu-layerNorm-crossEntropy',
      inputs: [
        { shape: [5, 6] }, { shape: [6, 7], gen: G.uniform(-0.5, 0.5) }, { shape: [7] },
        { shape: [7, 3], gen: G.uniform(-0.5, 0.5) }, { shape: [5], dtype: 'int32', values: [0, 2, 1, 1, 2], layout: false },
      ],
      layouts: ['contiguous', 'transposed'],
      run: ([x, w1, b1, w2, t]) => {
        const h = tc.gelu(tc.add(tc.matmul(x!, w1!), b1!));
        return tc.crossEntropy(tc.matmul(tc.layerNorm(h, 7), w2!), t!);
      },
      ref: ([x, w1, b1, w2, t]) => {
        const h = R.map(R.zip(R.matmul(x!, w1!), b1!, (p, q) => p + q), R.geluErf);
        return R.crossEntropy(R.matmul(R.layerNorm(h, [7]), w2!), t!);
      },
      norm: true,
      tolScale: 5,
    },
    {
      id: 'composite/attention-block',
      inputs: [{ shape: [2, 4, 6] }, { shape: [6, 6], gen: G.uniform(-0.5, 0.5) }, { shape: [6, 6], gen: G.uniform(-0.5, 0.5) }],
      layouts: ['contiguous', 'sliced'],
      run: ([x, wq, wk]) => {
        const q = tc.matmul(x!, wq!), k = tc.matmul(x!, wk!);
        return tc.rmsNorm(tc.add(x!, tc.scaledDotProductAttention(q, k, x!, { isCausal: true })), 6);
      },
      ref: ([x, wq, wk]) => {
        const q = R.matmul(x!, wq!), k = R.matmul(x!, wk!);
        return R.rmsNorm(R.zip(x!, R.attention(q, k, x!, { causal: true }), (a, b) => a + b), [6]);
      },
      norm: true,
      tolScale: 5,
    },
  ];
}
