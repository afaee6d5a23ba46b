import { describe, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import {
  BackendMismatchError, DisposedError, GradError, Tensor, adamwUpdate, crossEntropy, getBackend, grad, keep,
  matmul, memory, noGrad, randn, randint, registerBackend, setBackend, tensor, tidy, valueAndGrad, zeros,
  listBackends, TesseraError,
} from '../src/index.js';
import { createCpuBackend } from '@tessera/backend-cpu';

describe('backend registry', () => {
  it('defaults to a registered backend that starts synchronously', () => {
    expect(listBackends()).toContain('cpu');
    expect(getBackend().name).toBe('cpu');
  });
  it('raises typed errors for unknown and failing backends', async () => {
    await expect(setBackend('nope')).rejects.toMatchObject({ code: 'ERR_BACKEND_UNAVAILABLE' });
    registerBackend('broken', () => { throw new Error('no adapter'); }, -1);
    await expect(setBackend('broken')).rejects.toThrow(/broken.*no adapter/);
    expect(() => tensor([1], { backend: 'nope' })).toThrow(TesseraError);
  });
  it('refuses to mix backends in one op', () => {
    registerBackend('cpu2', () => createCpuBackend(), -2);
    const a = tensor([1, 2]);
    const b = tensor([1, 2], { backend: 'cpu2' });
    expect(() => a.add(b)).toThrow(BackendMismatchError);
    expect(() => a.add(b)).toThrow(/'cpu' and 'cpu2'/);
    const c = b.to('cpu');
    expect(c.backend).toBe('cpu');
    expect(Array.from(a.add(c).dataSync())).toEqual([2, 4]);
  });
});

describe('memory', () => {
  it('tidy disposes intermediates and keeps returned and kept tensors', () => {
    const before = (memory().numTensors + memory().numFreedByGC);
    let kept: Tensor | undefined;
    const out = tidy(() => {
      const a = tensor([1, 2, 3]);
      kept = keep(a.mul(2));
      return { y: a.add(1), list: [a.sub(1)] };
    });
    expect((memory().numTensors + memory().numFreedByGC) - before).toBe(3);
    expect(Array.from(out.y.dataSync())).toEqual([2, 3, 4]);
    out.y.dispose();
    out.list[0]!.dispose();
    kept!.dispose();
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
  });
  it('use after dispose is a typed error', () => {
    const a = tensor([1, 2]);
    a.dispose();
    expect(() => a.add(1)).toThrow(DisposedError);
    expect(() => a.dataSync()).toThrow(/after dispose/);
  });
  it('views share storage: bytes are freed with the last view', () => {
    const before = memory();
    const a = zeros([256]);
    const r = a.reshape([16, 16]);
    const v = r.transpose();
    a.dispose();
    r.dispose();
    expect(memory().numBytes - before.numBytes).toBe(1024);
    v.dispose();
    expect(memory().numBytes).toBe(before.numBytes);
  });
  it('a 1000-step training loop inside tidy keeps the tensor count flat', () => {
    const w1 = keep(randn([4, 8], { seed: 1 }).mul(0.5));
    const w2 = keep(randn([8, 3], { seed: 2 }).mul(0.5));
    w1.requiresGrad = true;
    w2.requiresGrad = true;
    const x = keep(randn([16, 4], { seed: 3 }));
    const y = keep(randint(0, 3, [16], { seed: 4 }));
    const state = [w1, w2].map((w) => ({ m: keep(zeros(w.shape)), v: keep(zeros(w.shape)) }));
    const counts: number[] = [];
    const losses: number[] = [];
    for (let step = 1; step <= 1000; step++) {
      tidy(() => {
        const loss = crossEntropy(matmul(matmul(x, w1).relu(), w2), y);
        loss.backward();
        [w1, w2].forEach((w, i) => {
          const s = state[i]!;
          const r = adamwUpdate(w, w.grad!, s.m, s.v, { lr: 0.01, step });
          w.assign(r.param);
          s.m.assign(r.m);
          s.v.assign(r.v);
          w.grad = null;
        });
        if (step % 100 === 0) losses.push(loss.item() as number);
      });
      if (step % 100 === 0) counts.push((memory().numTensors + memory().numFreedByGC));
    }
    expect(new Set(counts).size).toBe(1);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.5);
  });
});

describe('autograd', () => {
  it('accumulates across backward calls and frees the graph', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([4, 8, 12]);
    expect(() => y.backward()).toThrow(GradError);
  });
  it('noGrad, detach, grad and valueAndGrad', () => {
    const x = tensor([0.5, -1], { requiresGrad: true });
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(x.detach().requiresGrad).toBe(false);
    const [g] = grad((t) => t.exp().sum())(x);
    expect(Array.from(g!.dataSync())).toEqual(Array.from(x.exp().dataSync()));
    const { value, grads } = valueAndGrad((a, b) => a.mul(b).sum())(x, tensor([3, 4]));
    expect(value.item()).toBeCloseTo(-2.5);
    expect(Array.from(grads[0]!.dataSync())).toEqual([3, 4]);
    expect(Array.from(grads[1]!.dataSync())).toEqual([0.5, -1]);
    expect(() => x.mul(2).backward()).toThrow(/one-element/);
  });
});

describe('printing', () => {
  it('prints like PyTorch', () => {
    expect(tensor([[1, 2.5], [-3, 4]]).toString()).toBe('tensor([[ 1.0000,  2.5000],\n        [-3.0000,  4.0000]])');
    expect(tensor([1, 2], { dtype: 'int32' }).toString()).toBe('tensor([1, 2])');
    expect(tensor([true, false]).toString()).toBe('tensor([ True, False])');
    expect(tensor([1, 2], { dtype: 'float16' }).toString()).toBe('tensor([1., 2.], dtype=float16)');
    expect(tensor([1.5], { requiresGrad: true }).mul(2).toString()).toBe('tensor([3.], gradFn=mul)');
    expect(zeros([2000]).toString()).toMatch(/^tensor\(\[0\., 0\., 0\., \.\.\., 0\., 0\., 0\.\]\)$/);
  });
});
