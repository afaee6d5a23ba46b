import { describe, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { tensor, tidy } from '@tessera/core';
import { T5Config, T5ForConditionalGeneration, shiftRight } from '../src/models/t5.js';
import { ids } from './suite/t5-fixture.js';
import { adamwStep, tinyConfig } from './suite/t5.js';

describe('T5 training', () => {
  for (const proj of ['relu', 'gated-gelu'] as const) {
    it(`${proj}: one forward + backward + AdamW step lowers the loss (labels, -100 ignored)`, () => {
      const model = new T5ForConditionalGeneration(tinyConfig(proj), { seed: 3 });
      const inputIds = ids([[5, 9, 13, 2, 1], [7, 3, 1, 0, 0]]);
      const attentionMask = ids([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]]);
      const labels = ids([[4, 8, 15, 1], [16, 23, 1, -100]]);
      const before = tidy(() => {
        const out = model.forward({ inputIds, attentionMask, labels });
        out.loss!.backward();
        return out.loss!.dataSync()[0]!;
      });
      expect(model.parameters().every((p) => p.grad)).toBe(true);
      adamwStep(model, 1e-2);
      const after = tidy(() => model.forward({ inputIds, attentionMask, labels }).loss!.dataSync()[0]!);
      expect(Number.isFinite(before)).toBe(true);
      expect(after).toBeLessThan(before);
    });
  }

  it('dropout_rate applies in train() only', () => {
    const model = new T5ForConditionalGeneration({ ...tinyConfig('relu'), dropout_rate: 0.3 }, { seed: 4 });
    const input = { inputIds: ids([[5, 9, 13, 1]]), decoderInputIds: ids([[0, 4, 8]]) };
    const run = () => tidy(() => Array.from(model.forward(input).logits!.dataSync()));
    model.train();
    expect(run()).not.toEqual(run());
    model.eval();
    expect(run()).toEqual(run());
  });

  it('shiftRight puts the start token first and replaces -100 by the pad id', () => {
    const out = shiftRight(ids([[4, -100, 7], [-100, 2, 3]]), 0, 9);
    expect(Array.from(out.dataSync())).toEqual([0, 4, 9, 0, 9, 2]);
  });

  it('gradients of a tiny gated-GELU config match central finite differences', () => {
    const model = new T5ForConditionalGeneration(tinyConfig('gated-gelu'), { seed: 11 });
    const input = { inputIds: ids([[5, 9, 13, 1]]), attentionMask: ids([[1, 1, 1, 0]]), labels: ids([[4, 8, 1]]) };
    const loss = () => tidy(() => model.forward(input).loss!.dataSync()[0]!);
    tidy(() => model.forward(input).loss!.backward());
    const names = [
      'shared.weight', 'encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', 'encoder.block.1.layer.0.SelfAttention.q.weight',
      'decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', 'decoder.block.1.layer.1.EncDecAttention.k.weight',
      'decoder.block.0.layer.2.DenseReluDense.wi_0.weight', 'decoder.final_layer_norm.weight', 'lm_head.weight',
    ];
    const sd = model.stateDict();
    for (const name of names) {
      const p = sd[name]!;
      const g = p.grad!.dataSync();
      // the entry with the largest gradient, so float32 differences are well above rounding
      let idx = 0;
      for (let i = 0; i < g.length; i++) if (Math.abs(g[i]!) > Math.abs(g[idx]!)) idx = i;
      const base = Float32Array.from(p.dataSync());
      const at = (delta: number) => {
        const v = Float32Array.from(base);
        v[idx] = base[idx]! + delta;
        model.loadStateDict({ [name]: tensor(v, { shape: p.shape }) }, { strict: false });
        return loss();
      };
      const h = 1e-2;
      const fd = (at(h) - at(-h)) / (2 * h);
      model.loadStateDict({ [name]: tensor(base, { shape: p.shape }) }, { strict: false });
      expect(Math.abs(fd - g[idx]!), `${name}[${idx}] analytic ${g[idx]} numeric ${fd}`).toBeLessThan(2e-2 * Math.abs(g[idx]!) + 1e-4);
    }
  });

  it('validates config fields with typed errors', () => {
    expect(() => new T5Config({ d_model: 0 })).toThrow(/T5Config: config field 'd_model' must be an integer ≥ 1, got 0/);
    expect(() => new T5Config({ feed_forward_proj: 'swish' as never })).toThrow(/config field 'feed_forward_proj' must be one of "relu", "gelu", "gated-relu", "gated-gelu", got "swish"/);
    expect(() => new T5Config({ dropout_rate: 1 })).toThrow(/config field 'dropout_rate' must be a number in \[0, 0.999999\]/);
    expect(() => new T5Config({ vocab_size: 10, eos_token_id: 10 })).toThrow(/config field 'eos_token_id' must be an integer in \[0, vocab_size 10\)/);
    expect(() => new T5Config({ tie_word_embeddings: 'yes' as never })).toThrow(/config field 'tie_word_embeddings' must be true or false/);
    const c = new T5Config({ num_layers: 3, feed_forward_proj: 'gated-gelu' });
    expect([c.numDecoderLayers, c.isGatedAct, c.denseActFn, c.dModel, c.relativeAttentionNumBuckets]).toEqual([3, true, 'gelu_new', 512, 32]);
    try { new T5Config({ d_kv: -1 }); } catch (e) { expect((e as { code: string }).code).toBe('ERR_CONFIG'); }
  });
});
