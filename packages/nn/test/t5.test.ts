import { describe, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { argmax, keep, tidy, type Tensor } from '@tessera/core';
import { expectClose, ids, loadFixtureModel, readCases } from './suite/t5-fixture.js';

const DIRS = ['t5', 't5/x500'];
const models = await Promise.all(DIRS.map((d) => loadFixtureModel(d)));

for (const [i, dir] of DIRS.entries()) {
  describe(`T5 fixture ${dir} (cpu)`, () => {
    const model = models[i]!;
    for (const c of readCases(dir)) {
      it(`${c.name}: encoder / decoder states and logits within tolerance`, () => {
        tidy(() => {
          const out = model.forward({
            inputIds: ids(c.inputs.input_ids), attentionMask: ids(c.inputs.attention_mask), decoderInputIds: ids(c.inputs.decoder_input_ids),
          });
          expectClose(out.encoderLastHiddenState.dataSync(), c.expected.encoder_last_hidden_state, c.stats.encoder_last_hidden_state!.max_abs, c.inputs.attention_mask, 'encoder');
          expectClose(out.lastHiddenState.dataSync(), c.expected.decoder_last_hidden_state, c.stats.decoder_last_hidden_state!.max_abs, undefined, 'decoder');
          expectClose(out.logits!.dataSync(), c.expected.logits, c.stats.logits!.max_abs, undefined, 'logits');
          const am = Array.from(argmax(out.logits!, -1).dataSync());
          expect(am).toEqual(c.expected.logits_summary.argmax.flat());
        });
      });
    }
  });
}

for (const [i, dir] of DIRS.entries()) describe(`T5 greedy decoding, cache and padding (${dir})`, () => {
  const model = models[i]!;
  const cases = readCases(dir);

  const lastArgmax = (logits: Tensor) => tidy(() => Array.from(argmax(logits.slice(1, logits.shape[1]! - 1), -1).dataSync()));

  for (const c of cases) {
    it(`${c.name}: greedy_new_tokens by full recompute, and the cached path gives the same logits`, () => {
      const B = c.inputs.input_ids.length;
      const inputIds = ids(c.inputs.input_ids);
      const attentionMask = ids(c.inputs.attention_mask);
      const seqs: number[][] = Array.from({ length: B }, () => [0]);
      const cache = model.newCache({ batchSize: B, maxLength: 9 });
      let encoderOutputs: Tensor | undefined;
      let firstCross: Tensor | undefined;
      for (let step = 0; step < 8; step++) {
        const full = tidy(() => {
          const out = model.forward({ inputIds, attentionMask, decoderInputIds: ids(seqs) });
          return out.logits!.slice(1, step, step + 1);
        });
        const stepLogits = tidy(() => {
          const last = ids(seqs.map((s) => [s[s.length - 1]!]));
          const out = model.forward({ inputIds, attentionMask, decoderInputIds: last, cache, encoderOutputs });
          if (!encoderOutputs) {
            encoderOutputs = keep(out.encoderLastHiddenState);
            firstCross = cache.crossKeys[0]!;
          }
          return out.logits!;
        });
        const a = full.dataSync();
        const b = stepLogits.dataSync();
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
        expect(worst).toBeLessThan(1e-4);
        lastArgmax(full).forEach((t, i) => seqs[i]!.push(t));
        full.dispose();
        stepLogits.dispose();
      }
      expect(cache.length).toBe(8);
      // cross-attention K/V were computed at the first step and reused; self-attention K/V grew
      expect(cache.crossKeys[0]).toBe(firstCross);
      expect(cache.keys[4]!.shape).toEqual([B, 4, cache.maxLength, 8]); // preallocated, written in place
      expect(seqs.map((s) => s.slice(1))).toEqual(c.expected.greedy_new_tokens);
      cache.dispose();
      encoderOutputs?.dispose();
    });
  }

  it('rejects a step beyond the cache maxLength and a wrong batch', () => {
    const c = cases[0]!;
    const cache = model.newCache({ batchSize: 1, maxLength: 2 });
    tidy(() => {
      const run = (dec: number[][]) => model.forward({ inputIds: ids(c.inputs.input_ids), decoderInputIds: ids(dec), cache });
      run([[0, 5]]);
      expect(() => run([[3]])).toThrow(/T5ForConditionalGeneration.forward: 2 cached \+ 1 new tokens exceed the cache's maxLength 2/);
      expect(() => run([[3], [4]])).toThrow(/batch 2 differs from the cache's 1/);
    });
    cache.dispose();
    expect(() => model.newCache({ batchSize: 0, maxLength: 2 })).toThrow(/newCache: batchSize must be an integer ≥ 1, got 0/);
  });

  it('an all-ones decoderAttentionMask changes nothing; bad inputs raise typed errors', () => {
    const c = cases[0]!;
    tidy(() => {
      const base = { inputIds: ids(c.inputs.input_ids), decoderInputIds: ids(c.inputs.decoder_input_ids) };
      const a = model.forward(base).logits!.dataSync();
      const b = model.forward({ ...base, decoderAttentionMask: ids([c.inputs.decoder_input_ids[0]!.map(() => 1)]) }).logits!.dataSync();
      expect(Array.from(b)).toEqual(Array.from(a));
      expect(() => model.forward({ ...base, attentionMask: ids([[1, 1]]) })).toThrow(/T5Stack.forward: attentionMask must be \[1, 6\]/);
      expect(() => model.forward({ inputIds: base.inputIds })).toThrow(/give decoderInputIds or labels/);
      expect(() => model.forward({ ...base, inputIds: base.inputIds.to('float32') })).toThrow(/inputIds must be an int32 tensor \[batch, seq\], got float32 \[1, 6\]/);
    });
  });

  it('encoder padding never changes the outputs of unpadded rows or positions', () => {
    const c = cases.find((x) => x.name === 'batch2_enc_pad')!;
    tidy(() => {
      const batch = model.forward({ inputIds: ids(c.inputs.input_ids), attentionMask: ids(c.inputs.attention_mask), decoderInputIds: ids(c.inputs.decoder_input_ids) });
      const n = c.inputs.attention_mask[1]!.reduce((a, b) => a + b, 0);
      const alone = model.forward({ inputIds: ids([c.inputs.input_ids[1]!.slice(0, n)]), decoderInputIds: ids([c.inputs.decoder_input_ids[1]!]) });
      const first = model.forward({ inputIds: ids([c.inputs.input_ids[0]!]), decoderInputIds: ids([c.inputs.decoder_input_ids[0]!]) });
      const close = (x: Tensor, y: Tensor) => {
        const [a, b] = [x.dataSync(), y.dataSync()];
        expect(a.length).toBe(b.length);
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
        expect(worst).toBeLessThan(2e-5);
      };
      close(batch.logits!.slice(0, 1, 2), alone.logits!);
      close(batch.encoderLastHiddenState.slice(0, 1, 2).slice(1, 0, n), alone.encoderLastHiddenState);
      close(batch.logits!.slice(0, 0, 1), first.logits!);
    });
  });
});

describe('T5 memory', () => {
  it('a forward (with labels) inside tidy leaks nothing, and training steps hold the tensor count flat', async () => {
    const { memory } = await import('@tessera/core');
    const { T5ForConditionalGeneration } = await import('../src/models/t5.js');
    const { adamwStep, tinyConfig } = await import('./suite/t5.js');
    const model = new T5ForConditionalGeneration(tinyConfig('relu'), { seed: 1 });
    const inputIds = ids([[3, 4, 5, 1]]);
    const labels = ids([[6, 7, 1]]);
    const before = (memory().numTensors + memory().numFreedByGC);
    tidy(() => { model.forward({ inputIds, labels }); });
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      tidy(() => model.forward({ inputIds, labels }).loss!.backward());
      adamwStep(model, 1e-3);
      counts.push((memory().numTensors + memory().numFreedByGC));
    }
    expect(counts[2]).toBe(counts[1]);
  });
});
