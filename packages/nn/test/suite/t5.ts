/** T5 cases shared by the per-backend model suite: few and tiny, so slow backends stay fast. */
import { describe, expect, it } from 'vitest';
import { T5ForConditionalGeneration, type T5ConfigDict, type T5FeedForwardProj } from '../../src/models/t5.js';
import { expectClose, ids, loadFixtureModel, readCases } from './t5-fixture.js';
import { adamwStep } from './bert-fixture.js';

export { adamwStep };

export function tinyConfig(proj: T5FeedForwardProj): Partial<T5ConfigDict> {
  return {
    vocab_size: 40, d_model: 16, d_kv: 4, d_ff: 24, num_layers: 2, num_decoder_layers: 2, num_heads: 2,
    relative_attention_num_buckets: 8, relative_attention_max_distance: 16, dropout_rate: 0,
    feed_forward_proj: proj, tie_word_embeddings: proj === 'relu', initializer_factor: 1,
  };
}


/** T5 model cases on `backend` (its module must be imported by the caller). */
export function t5Suite(backend: string): void {
  describe(`T5 on ${backend}`, () => {
    it('x500 fixture: states and logits within the README tolerance, argmax exact', async () => {
      const model = await loadFixtureModel('t5/x500', backend);
      const c = readCases('t5/x500').find((x) => x.name === 'batch2_enc_pad')!;
      const out = model.forward({
        inputIds: ids(c.inputs.input_ids, backend), attentionMask: ids(c.inputs.attention_mask, backend),
        decoderInputIds: ids(c.inputs.decoder_input_ids, backend),
      });
      expectClose(await out.encoderLastHiddenState.data(), c.expected.encoder_last_hidden_state, c.stats.encoder_last_hidden_state!.max_abs, c.inputs.attention_mask, 'encoder');
      expectClose(await out.lastHiddenState.data(), c.expected.decoder_last_hidden_state, c.stats.decoder_last_hidden_state!.max_abs, undefined, 'decoder');
      expectClose(await out.logits!.data(), c.expected.logits, c.stats.logits!.max_abs, undefined, 'logits');
      expect(Array.from(await out.logits!.argmax(-1).data())).toEqual(c.expected.logits_summary.argmax.flat());
      model.dispose();
    });

    it('cached decoding step equals recompute', async () => {
      const model = await loadFixtureModel('t5/x500', backend);
      const c = readCases('t5/x500')[0]!;
      const inputIds = ids(c.inputs.input_ids, backend);
      const dec = c.inputs.decoder_input_ids[0]!;
      const full = model.forward({ inputIds, decoderInputIds: ids([dec], backend) }).logits!;
      const cache = model.newCache({ batchSize: 1, maxLength: dec.length });
      const steps = [];
      for (const t of dec) steps.push(await model.forward({ inputIds, decoderInputIds: ids([[t]], backend), cache }).logits!.data());
      const a = await full.data();
      const v = a.length / dec.length;
      let worst = 0;
      steps.forEach((s, i) => s.forEach((x, j) => { worst = Math.max(worst, Math.abs(x - a[i * v + j]!)); }));
      expect(worst).toBeLessThan(1e-4);
      cache.dispose();
      model.dispose();
    });

    it('gated-GELU tiny config: a training step lowers the loss', async () => {
      const model = new T5ForConditionalGeneration(tinyConfig('gated-gelu'), { backend, seed: 5 });
      const input = { inputIds: ids([[5, 9, 13, 1]], backend), labels: ids([[4, 8, 1]], backend) };
      const l0 = model.forward(input).loss!;
      l0.backward();
      const before = (await l0.data())[0]!;
      adamwStep(model, 1e-2);
      const after = (await model.forward(input).loss!.data())[0]!;
      expect(after).toBeLessThan(before);
      model.dispose();
    });
  });
}
