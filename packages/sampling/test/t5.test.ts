import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '@tessera/backend-cpu';
import { setBackend } from '@tessera/core';
import { T5ForConditionalGeneration } from '@tessera/nn';
import { generate } from '../src/index.js';

await setBackend('cpu');
const dir = fileURLToPath(new URL('./fixtures/t5-x500', import.meta.url));
interface Case { name: string; inputs: { input_ids: number[][]; attention_mask: number[][] }; expected: { greedy_new_tokens: number[][] } }
const { cases } = JSON.parse(readFileSync(`${dir}/cases.json`, 'utf8')) as { cases: Case[] };

describe('generate on T5 (encoder-decoder)', () => {
  for (const c of cases) {
    it(`greedy with and without the cache gives the reference's tokens: ${c.name}`, async () => {
      const model = await T5ForConditionalGeneration.fromPretrained(dir);
      for (const useCache of [true, false]) {
        const out = await generate(model, { inputIds: c.inputs.input_ids, attentionMask: c.inputs.attention_mask }, { maxNewTokens: 8, useCache });
        expect(out.newTokens, `useCache ${useCache}`).toEqual(c.expected.greedy_new_tokens);
        // HF's convention for encoder-decoder models: the decoder start token, then the new tokens
        expect((out.sequences.arraySync() as number[][]).map((r) => r[0])).toEqual(c.inputs.input_ids.map(() => model.config.decoderStartTokenId));
        expect(out.sequences.shape[1]).toBe(9);
      }
      model.dispose();
    });
  }

  it('beam search on T5: the same beams with and without the cache (cross-attention rows reordered)', async () => {
    const model = await T5ForConditionalGeneration.fromPretrained(dir);
    const c = cases.find((x) => x.name === 'batch2_enc_pad')!;
    const inputs = { inputIds: c.inputs.input_ids, attentionMask: c.inputs.attention_mask };
    const cfg = { maxNewTokens: 5, numBeams: 3, numReturnSequences: 2 };
    const a = await generate(model, inputs, { ...cfg, useCache: true });
    const b = await generate(model, inputs, { ...cfg, useCache: false });
    expect(a.newTokens).toEqual(b.newTokens);
    a.sequencesScores!.forEach((s, i) => expect(s).toBeCloseTo(b.sequencesScores![i]!, 4));
    model.dispose();
  });
});
