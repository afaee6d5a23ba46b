// cpu-only strictness (bit-identical causality, tidy, typed errors); the properties every backend
// keeps (padding, cache = recompute, save → load, float16 / bfloat16) are in suite/properties.ts.
import { describe, expect, it } from 'vitest';
import { memory, noGrad, tensor, tidy } from '@tessera/core';
import '@tessera/backend-cpu';
import { tinyGpt2, tinyLlama } from './suite/families.js';
import { intTensor } from './suite/fixtures.js';

const families = { gpt2: tinyGpt2, llama: tinyLlama };

for (const [name, make] of Object.entries(families)) {
  describe(`${name}: masks`, () => {
    const model = make('cpu').eval();
    const row = [5, 9, 3, 17, 2, 44];

    it('a changed future token leaves every earlier position bit-identical', async () => {
      const a = noGrad(() => model.forward({ inputIds: intTensor([row]) }).logits);
      const b = noGrad(() => model.forward({ inputIds: intTensor([[...row.slice(0, 4), 33, 21]]) }).logits);
      const va = (await a.slice(1, 0, 4).contiguous().data()) as Float32Array;
      const vb = (await b.slice(1, 0, 4).contiguous().data()) as Float32Array;
      expect(Array.from(vb)).toEqual(Array.from(va));
      const la = (await a.slice(1, 5, 6).contiguous().data()) as Float32Array;
      const lb = (await b.slice(1, 5, 6).contiguous().data()) as Float32Array;
      expect(Array.from(la)).not.toEqual(Array.from(lb));
    });

    it('a forward pass inside tidy leaks nothing; the module keeps its tensors', () => {
      const before = (memory().numTensors + memory().numFreedByGC);
      tidy(() => { model.forward({ inputIds: intTensor([row]), labels: intTensor([row]) }); });
      expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
      expect(model.parameters().every((p) => !p.isDisposed)).toBe(true);
    });

    it('rejects bad inputs with typed errors', () => {
      expect(() => model.forward({ inputIds: tensor([[1.5, 2]]) })).toThrow(expect.objectContaining({ code: 'ERR_DTYPE' }));
      expect(() => model.forward({ inputIds: intTensor([row]), attentionMask: intTensor([[1, 1]]) })).toThrow(expect.objectContaining({ code: 'ERR_SHAPE' }));
      expect(() => model.forward({ inputIds: intTensor([row]), attention_mask: 1 } as never)).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
      expect(() => model.forward(intTensor([row]) as never)).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
      const cache = model.newCache({ batchSize: 1, maxLength: 4 });
      expect(() => model.forward({ inputIds: intTensor([row]), cache })).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
      expect(() => model.newCache({ batchSize: 0, maxLength: 4 })).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
      cache.dispose();
    });
  });
}
