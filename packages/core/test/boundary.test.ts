// The public-op boundary: composite ops leave only their result (with and without autograd), errors
// are typed under the name the user called and free what the call made, `using` disposes.
import {
  crossEntropy, embedding, layerNorm, matmul, memory, randn, rmsNorm, scaledDotProductAttention, setBackend, sign,
  silu, softmax, tensor, tril, argmax, ones, maximum, clamp, triu, zeros, var as variance, isTensor,
  type Tensor,
} from '@tessera/core';
import '@tessera/backend-cpu';
import '@tessera/backend-wasm';
import { describe, expect, it } from 'vitest';

const live = () => (memory().numTensors + memory().numFreedByGC);
const typed = (code: string, message: RegExp) => expect.objectContaining({ code, message: expect.stringMatching(message) });

/** The ten composite ops, each over fresh random inputs. */
function composites(grad: boolean): [string, () => Tensor][] {
  const x = randn([4, 5], { seed: 11 });
  const w = randn([5], { seed: 12 });
  const q = randn([2, 3, 4], { seed: 13 });
  const v1 = randn([5], { seed: 14 });
  for (const t of [x, w, q, v1]) t.requiresGrad = grad;
  const target = tensor([0, 4, 2, 1], { dtype: 'int32' });
  const causal = tril(ones([3, 3], 'bool'));
  return [
    ['crossEntropy', () => crossEntropy(x, target)],
    ['scaledDotProductAttention with a bool mask', () => scaledDotProductAttention(q, q, q, { attnMask: causal })],
    ['layerNorm', () => layerNorm(x, [5], w, w)],
    ['softmax over axis 0', () => softmax(x, 0)],
    ['tril', () => tril(x)],
    ['sign', () => sign(x)],
    ['1-d matmul', () => matmul(x, v1)],
    ['rmsNorm', () => rmsNorm(x, [5], w)],
    ['silu', () => silu(x)],
    ['var', () => variance(x, 1)],
  ];
}

describe.each(['cpu', 'wasm'])('on %s', (backend) => {
  it('each composite op outside tidy leaves only its result', async () => {
    await setBackend(backend);
    for (const [name, f] of composites(false)) {
      const before = live();
      const y = f();
      expect(live(), name).toBe(before + 1);
      y.dispose();
      expect(live(), name).toBe(before);
    }
  });

  it('with autograd: what backward needs lives with the result and goes with it or with backward', async () => {
    await setBackend(backend);
    for (const [name, f] of composites(true)) {
      const before = live();
      const y = f();
      y.dispose(); // dropped without backward
      expect(live(), `${name} disposed`).toBe(before);
      const z = f();
      const loss = z.sum();
      if (name !== 'sign') loss.backward(); // sign has no gradient
      loss.dispose();
      z.dispose();
      expect(live(), `${name} after backward`).toBeLessThanOrEqual(before + 4); // + the leaves' grads
    }
  });

  it('errors free what the call made and name the function the user called', async () => {
    await setBackend(backend);
    const x = randn([3, 4], { seed: 1 });
    const weight = randn([5, 3], { seed: 2 });
    const [floats, outOfRange, half, empty] = [tensor([1.5]), tensor([7], { dtype: 'int32' }), x.half(), zeros([0])];
    const before = live();
    expect(() => embedding(floats, weight)).toThrow(typed('ERR_DTYPE', /^embedding: /));
    expect(() => embedding(outOfRange, weight)).toThrow(typed('ERR_INDEX', /^embedding: /));
    expect(() => argmax(x, '' as never)).toThrow(typed('ERR_ARGUMENT', /^argmax: argument 'axis'/));
    expect(() => (maximum as (...a: unknown[]) => unknown)(x, half, {})).toThrow(typed('ERR_ARGUMENT', /^maximum: takes at most 2/));
    expect(() => triu(empty)).toThrow(typed('ERR_SHAPE', /^triu: /));
    expect(() => clamp(x, true as never)).toThrow(typed('ERR_ARGUMENT', /^clamp: argument 'min'/));
    expect(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(typed('ERR_DTYPE', /^tensor: /));
    expect(() => (x.sign as (...a: unknown[]) => unknown)(() => 1)).toThrow(typed('ERR_ARGUMENT', /^sign: takes at most 1/));
    expect(live()).toBe(before);
  });
});

describe('the issue\'s raw TypeErrors are typed errors naming the function', () => {
  const x = randn([2, 3], { seed: 3 });
  const cases: [string, () => unknown, RegExp][] = [
    ['matmul()', () => (matmul as () => unknown)(), /^matmul: missing argument 'input'/],
    ['split(x)', () => (x.split as () => unknown)(), /^split: missing argument 'splitSizeOrSections'/],
    ['pad([[1]], 0)', () => padOf([[1]], 0), /^pad: argument 'input' must be a Tensor/],
    ['expand(x, {dtype})', () => x.expand({ dtype: 'bool' } as never), /^expand: argument 'shape' must be a shape/],
    ['var(x, true)', () => x.var(true as never), /^var: argument 'axis'/],
    ['exp({dtype})', () => expOf({ dtype: 'bool' }), /^exp: argument 'input' must be a Tensor, got \{dtype: "bool"\}/],
  ];
  for (const [label, f, message] of cases) it(label, () => expect(f).toThrow(typed('ERR_ARGUMENT', message)));
});

import { exp as expFn, pad as padFn } from '@tessera/core';
const padOf = (a: unknown, b: unknown) => (padFn as (...x: unknown[]) => unknown)(a, b);
const expOf = (a: unknown) => (expFn as (...x: unknown[]) => unknown)(a);

describe('using', () => {
  it('disposes a tensor at the end of the block (Symbol.dispose)', () => {
    const before = live();
    let seen: Tensor | undefined;
    {
      using t = randn([8], { seed: 4 });
      using u = t.mul(2);
      seen = u;
      expect(live()).toBe(before + 2);
    }
    expect(seen!.isDisposed).toBe(true);
    expect(live()).toBe(before);
    expect(typeof (seen as unknown as Record<symbol, unknown>)[Symbol.dispose]).toBe('function');
    expect(isTensor(seen)).toBe(true);
  });
});

describe('fromByteChunks', () => {
  it.each(['cpu', 'wasm'])('builds a tensor from pieces written at offsets, refuses bad pieces, frees on error (%s)', async (backend) => {
    await setBackend(backend);
    const { fromByteChunks, tensor: make } = await import('@tessera/core');
    const values = new Float32Array([1.5, -2, 3.25, 4]);
    const bytes = new Uint8Array(values.buffer);
    const t = await fromByteChunks([2, 2], 'float32', (write) => { write(bytes.subarray(8), 8); write(bytes.subarray(0, 8), 0); });
    expect(Array.from(t.dataSync())).toEqual([1.5, -2, 3.25, 4]);
    t.dispose();
    const h = await fromByteChunks([2], 'float16', (write) => write(new Uint8Array(make([0.5, 2], { dtype: 'float16' }).dataSync().buffer), 0));
    expect(Array.from(h.numbersSync())).toEqual([0.5, 2]);
    h.dispose();
    const before = live();
    await expect(fromByteChunks([2], 'float32', (write) => write(new Uint8Array(4), 6))).rejects.toThrow(typed('ERR_ARGUMENT', /^fromByteChunks: write\(\) of 4 bytes at 6 is outside the tensor's 8 bytes/));
    await expect(fromByteChunks([2], 'float32', () => { throw new Error('disk gone'); })).rejects.toThrow(/disk gone/);
    let late: ((b: Uint8Array, o: number) => void) | undefined;
    (await fromByteChunks([1], 'float32', (write) => { late = write; })).dispose();
    expect(() => late!(new Uint8Array(4), 0)).toThrow(typed('ERR_ARGUMENT', /after fill returned/));
    expect(live()).toBe(before);
  });
});
