import { afterAll, describe, expect, it } from 'vitest';
import * as T from '@tessera/core';
import { createWasmBackend } from '../src/index.js';

// A heap past 2 GiB: byte lengths and addresses ≥ 2^31 must not turn negative in JS (a GPT-2-small
// prefill of 1023 tokens reached this and threw "Invalid typed array length").
const wasm = createWasmBackend({ threads: 2 });
T.registerBackend('wasm-big', () => wasm, 0);
afterAll(() => { wasm.dispose(); });

describe('wasm heap beyond 2 GiB', () => {
  it('runs kernels on tensors placed above 2^31 bytes', async () => {
    await T.setBackend('wasm-big');
    const filler = T.zeros([2 ** 29 + 2 ** 26]); // 2.25 GiB
    try {
      const a = T.tensor([[1, 2], [3, 4]]), b = T.tensor([[5, 6], [7, 8]]);
      expect(T.matmul(a, b).arraySync()).toEqual([[19, 22], [43, 50]]);
      const big = T.ones([2 ** 20]).mul(3).sum();
      expect(big.item()).toBe(3 * 2 ** 20);
    } finally {
      filler.dispose();
      await T.setBackend('cpu').catch(() => undefined);
    }
  }, 120_000);
});
