/** BERT cases of the per-backend model suite: the fixture within tolerance and one training step. */
import { describe, expect, it } from 'vitest';
import { manualSeed, tensor } from '@tessera/core';
import { BertForMaskedLM, BertForSequenceClassification } from '../../src/models/bert.js';
import { adamwStep, bertFixtureDir, expectWithin, ids, readBertCases, tinyBert } from './bert-fixture.js';

export function bertSuite(backend: string): void {
  describe(`BERT on ${backend}`, () => {
    it('fixture batch2_pad_two_segments: last_hidden_state, pooler_output, classifier_logits within tolerance', async () => {
      const model = (await BertForSequenceClassification.fromPretrained(bertFixtureDir, { backend })).eval();
      const c = readBertCases().find((x) => x.name === 'batch2_pad_two_segments')!;
      const out = model.forward({
        inputIds: ids(c.inputs.input_ids, backend), attentionMask: ids(c.inputs.attention_mask, backend),
        tokenTypeIds: ids(c.inputs.token_type_ids, backend),
      });
      expect(out.logits!.backend).toBe(backend);
      expectWithin(await out.lastHiddenState.data(), c.expected.last_hidden_state, c.stats.last_hidden_state!.max_abs, 'last_hidden_state', c.inputs.attention_mask);
      expectWithin(await out.poolerOutput!.data(), c.expected.pooler_output, c.stats.pooler_output!.max_abs, 'pooler_output');
      expectWithin(await out.logits!.data(), c.expected.classifier_logits, c.stats.classifier_logits!.max_abs, 'classifier_logits');
      model.dispose();
    });

    it('one forward + backward + AdamW step lowers the masked-LM loss', async () => {
      manualSeed(7);
      const model = new BertForMaskedLM(tinyBert(), { backend });
      const batch = {
        inputIds: tensor([[1, 5, 9, 3, 0], [2, 7, 7, 4, 6]], { dtype: 'int32', backend }),
        attentionMask: tensor([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]], { dtype: 'int32', backend }),
        labels: tensor([[-100, 8, -100, 3, -100], [2, -100, 11, -100, 6]], { dtype: 'int32', backend }),
      };
      const loss0 = model.forward(batch).loss!;
      const before = (await loss0.data())[0]!;
      loss0.backward();
      adamwStep(model, 3e-2);
      const after = (await model.forward(batch).loss!.data())[0]!;
      expect(Number.isFinite(before)).toBe(true);
      expect(after).toBeLessThan(before);
      model.dispose();
    });
  });
}
