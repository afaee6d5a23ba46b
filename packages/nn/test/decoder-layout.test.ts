// Options of the shared decoder that no shipped family uses yet, checked by their defining
// properties: a sliding window equals attention over the window alone (one layer, rotary positions
// passed explicitly), in one pass and step by step through the cache; partial rotary rotates only
// its channels and keeps outputs invariant to shifting every position.
import { describe, expect, it } from 'vitest';
import { noGrad, randint, randn, tensor, type Tensor } from '@tessera/core';
import '@tessera/backend-cpu';
import { applyRotary, DecoderModel, LlamaConfig, llamaLayout, RotaryEmbedding, Weights, type DecoderLayout } from '../src/index.js';

class TestDecoder extends DecoderModel<LlamaConfig> {
  constructor(config: LlamaConfig, edit: (l: DecoderLayout) => DecoderLayout, w = new Weights()) { super(config, edit(llamaLayout(config)), w); }
  get className(): string { return 'TestDecoder'; }
}

const config = (layers: number) => new LlamaConfig({
  vocab_size: 40, hidden_size: 16, intermediate_size: 24, num_hidden_layers: layers, num_attention_heads: 4, num_key_value_heads: 2,
});
const withWindow = (window: number | null) => (l: DecoderLayout): DecoderLayout => ({ ...l, attention: { ...l.attention, slidingWindow: window } });
const withRotaryDim = (dim: number) => (l: DecoderLayout): DecoderLayout => ({ ...l, rotary: { ...l.rotary!, dim } });
const ints = (v: number[]) => tensor([v], { dtype: 'int32' });
const hidden = (m: TestDecoder, ids: number[], pos?: number[]): Float32Array =>
  noGrad(() => m.forward({ inputIds: ints(ids), positionIds: pos && ints(pos) }).lastHiddenState.dataSync()) as Float32Array;
const row = (h: Float32Array, t: number, C = 16) => Array.from(h.subarray(t * C, (t + 1) * C));
const close = (a: number[], b: number[], tol = 1e-5) => a.forEach((x, i) => expect(Math.abs(x - b[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!))));

describe('sliding window', () => {
  const ids = Array.from(randint(0, 40, [8], { seed: 3 }).dataSync());
  const W = 3;

  it('one layer: position i sees exactly the last W tokens (= a run on those tokens alone)', () => {
    const m = new TestDecoder(config(1), withWindow(W)).eval();
    const full = hidden(m, ids);
    for (let i = W - 1; i < ids.length; i++) {
      const win = hidden(m, ids.slice(i - W + 1, i + 1), [i - W + 1, i - W + 2, i]);
      close(row(full, i), row(win, W - 1));
    }
    const unwindowed = new TestDecoder(config(1), withWindow(null)).eval();
    unwindowed.loadStateDict(m.stateDict());
    expect(row(hidden(unwindowed, ids), 7)).not.toEqual(row(full, 7)); // the window does change the output
  });

  it('step by step through the cache equals the one-pass windowed run', () => {
    const m = new TestDecoder(config(2), withWindow(W)).eval();
    const full = hidden(m, ids);
    const cache = m.newCache({ batchSize: 1, maxLength: 8 });
    for (let i = 0; i < ids.length; i++) {
      const step = noGrad(() => m.forward({ inputIds: ints([ids[i]!]), cache }).lastHiddenState.dataSync()) as Float32Array;
      close(row(full, i), row(step, 0));
    }
    cache.dispose();
  });

  it('a window as long as the input changes nothing', () => {
    const a = new TestDecoder(config(2), withWindow(8)).eval();
    const b = new TestDecoder(config(2), withWindow(null)).eval();
    b.loadStateDict(a.stateDict());
    expect(Array.from(hidden(a, ids))).toEqual(Array.from(hidden(b, ids)));
  });
});

describe('partial rotary', () => {
  it('applyRotary(x, cos, sin, dim) rotates the first dim channels and passes the rest', () => {
    const x = randn([1, 2, 5, 8], { seed: 5 });
    const [cos, sin] = new RotaryEmbedding(4).cosSin(ints([3, 4, 5, 6, 7]));
    const y = applyRotary(x, cos, sin, 4);
    const [xr, xp] = x.split(4, -1) as [Tensor, Tensor];
    const [yr, yp] = y.split(4, -1) as [Tensor, Tensor];
    expect(Array.from(yp.contiguous().dataSync())).toEqual(Array.from(xp.contiguous().dataSync()));
    close(Array.from(yr.contiguous().dataSync()), Array.from(applyRotary(xr, cos, sin).dataSync()));
  });

  it('a decoder with rotary on half of each head: shift-invariant, different from full rotary, cache = recompute', () => {
    const ids = [5, 9, 1, 30, 2, 7];
    const half = new TestDecoder(config(2), withRotaryDim(2)).eval();
    const fullRot = new TestDecoder(config(2), (l) => l).eval();
    fullRot.loadStateDict(half.stateDict());
    const h = hidden(half, ids);
    close(Array.from(hidden(half, ids, [10, 11, 12, 13, 14, 15])), Array.from(h), 1e-4);
    expect(row(hidden(fullRot, ids), 5)).not.toEqual(row(h, 5));
    const cache = half.newCache({ batchSize: 1, maxLength: 6 });
    noGrad(() => half.forward({ inputIds: ints(ids.slice(0, 4)), cache }));
    const step = noGrad(() => half.forward({ inputIds: ints([ids[4]!, ids[5]!]), cache }).lastHiddenState.dataSync()) as Float32Array;
    close(row(step, 1), row(h, 5));
    cache.dispose();
  });
});
