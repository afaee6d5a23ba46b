/** Analytic gradients of tiny decoder configs against central finite differences of the loss. */
import { describe, expect, it } from 'vitest';
import { noGrad, tensor, tidy } from '@tessera/core';
import '@tessera/backend-cpu';
import { tinyGpt2, tinyLlama } from './suite/families.js';
import { intTensor } from './suite/fixtures.js';

const families = {
  gpt2: () => tinyGpt2('cpu', { initializer_range: 0.3 }),
  llama: () => tinyLlama('cpu', { initializer_range: 0.3 }),
};

describe.each(Object.entries(families))('%s gradients vs finite differences', (_name, make) => {
  it('match on the largest entries of several parameters', () => {
    const model = make().train();
    const ids = intTensor([[3, 14, 15, 9, 26, 5], [35, 8, 9, 7, 9, 32]]);
    const lossOf = () => noGrad(() => tidy(() => model.forward({ inputIds: ids, labels: ids }).loss!.item()));
    tidy(() => model.forward({ inputIds: ids, labels: ids }).loss!.backward());
    const named = model.namedParameters();
    const picks = [0, 1, Math.floor(named.length / 2), named.length - 1].map((i) => named[i]!);
    let checked = 0;
    for (const [name, p] of picks) {
      const g = p.grad!.dataSync() as Float32Array;
      let k = 0;
      for (let i = 1; i < g.length; i++) if (Math.abs(g[i]!) > Math.abs(g[k]!)) k = i;
      const orig = p.dataSync() as Float32Array;
      const h = 1e-2;
      const at = (delta: number) => {
        const v = Float32Array.from(orig);
        v[k]! += delta;
        p.assign(tensor(v, { shape: p.shape }));
        return lossOf();
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      p.assign(tensor(orig, { shape: p.shape }));
      expect(Math.abs(fd - g[k]!), `${name}[${k}]: analytic ${g[k]} vs fd ${fd}`).toBeLessThan(2e-3 + 0.03 * Math.abs(g[k]!));
      checked++;
    }
    expect(checked).toBe(4);
    model.dispose();
  });
});
