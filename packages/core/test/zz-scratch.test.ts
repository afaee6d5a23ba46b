import { describe, expect, it } from 'vitest';
import { createNaive } from '/tmp/scratch/naive.ts';
import * as T from '../src/index.js';
T.registerBackend('naive', createNaive, 100);

describe('scratch', () => {
  it('basics', async () => {
    const a = T.tensor([[1, 2, 3], [4, 5, 6]]);
    console.log(a.toString(), a.backend);
    console.log(a.add(1).mul(a).toString());
    console.log(a.transpose().toString(), a.sum(1).toString(), a.mean().toString(), a.max(0).toString(), a.argmax(1).toString());
    console.log(T.matmul(a, a.transpose()).toString());
    console.log(T.softmax(a).toString(), T.layerNorm(a, 3).toString());
    console.log(T.cat([a, a], 1).toString(), T.pad(a, [1, 1]).toString());
    console.log(a.slice(1, 0, 3, 2).toString(), T.tril(T.ones([3, 3])).toString());
    const x = T.tensor([[0.5, -1, 2], [1, 1, 1]], { requiresGrad: true });
    const y = T.crossEntropy(x, T.tensor([2, 0], { dtype: 'int32' }));
    y.backward();
    console.log(y.toString(), x.grad!.toString());
    const q = T.tensor([[[1, 0], [0, 1], [1, 1]]], { requiresGrad: true });
    const o = T.scaledDotProductAttention(q, q, q, { isCausal: true });
    o.sum().backward();
    console.log(o.toString(), q.grad!.toString());
    const w = T.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const e = T.embedding(T.tensor([1, 0, 1], { dtype: 'int32' }), w);
    e.sum().backward();
    console.log(e.toString(), w.grad!.toString());
    console.log(T.tensor([1, 2, 3], { dtype: 'float16' }).mul(1.5).toString());
    console.log(T.split(T.arange(7), 3).map(String));
    console.log(T.gelu(a).toString(), T.rmsNorm(a, 3).toString());
    const m = T.matmul(T.randn([2, 1, 3, 4]), T.randn([5, 4, 2]));
    console.log(m.shape, T.matmul(T.ones([3]), T.ones([3, 2])).toString());
  });
});
