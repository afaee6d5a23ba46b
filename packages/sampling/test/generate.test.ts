import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tessera/backend-cpu';
import '@tessera/backend-wasm';
import { setBackend } from '@tessera/core';
import { GPT2LMHeadModel } from '@tessera/nn';
import { BpeTrainer } from '@tessera/tokenizers';
import { generate, GenerationConfig, GenerationError, stream } from '../src/index.js';

const dir = fileURLToPath(new URL('./fixtures/gpt2', import.meta.url));
interface Case { name: string; inputs: { input_ids: number[][]; attention_mask: number[][] }; expected: { greedy_new_tokens: number[][] } }
const cases = (JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;

const load = async (backend = 'cpu') => (await GPT2LMHeadModel.fromPretrained(dir, { backend })).eval();

// a tokenizer over the model's 1000 ids, for the text paths
const text = 'the sea and the ship and the white whale of the captain, ahab; ' .repeat(40) + 'naïve café — über ✓';
const tokenizer = new BpeTrainer({ vocabSize: 400, specialTokens: ['<|endoftext|>'] }).train([text]);
// the model has 1000 ids, the tokenizer fewer: the rest are suppressed wherever text is decoded
const outside = Array.from({ length: 1000 - tokenizer.getVocabSize() }, (_, i) => tokenizer.getVocabSize() + i);

describe('generate on the GPT-2 fixture', () => {
  // HF takes the last position's logits, a pad for a right-padded row (it warns to pad left);
  // generate re-pads every prompt on the left, so only the reference's unpadded rows compare
  for (const c of cases.filter((x) => x.name !== 'batch2_right_pad')) {
    it(`greedy with and without the KV cache gives the reference's tokens: ${c.name}`, async () => {
      const model = await load();
      const inputs = { inputIds: c.inputs.input_ids, attentionMask: c.inputs.attention_mask };
      for (const useCache of [true, false]) {
        const out = await generate(model, inputs, { maxNewTokens: 8, useCache });
        expect(out.newTokens, `useCache ${useCache}`).toEqual(c.expected.greedy_new_tokens);
        const B = c.inputs.input_ids.length, P = Math.max(...c.inputs.attention_mask.map((m) => m.reduce((a, x) => a + x, 0)));
        expect(out.sequences.shape).toEqual([B, P + 8]);
        const rows = out.sequences.arraySync() as number[][];
        rows.forEach((r, b) => expect(r.slice(P)).toEqual(c.expected.greedy_new_tokens[b]));
      }
      model.dispose();
    });
  }

  it('a right-padded batch is re-padded on the left: each row as if alone', async () => {
    const model = await load();
    const c = cases.find((x) => x.name === 'batch2_right_pad')!;
    const out = await generate(model, { inputIds: c.inputs.input_ids, attentionMask: c.inputs.attention_mask }, { maxNewTokens: 8 });
    expect(out.newTokens[0]).toEqual(c.expected.greedy_new_tokens[0]); // the full row
    const short = c.inputs.input_ids[1]!.filter((_, i) => c.inputs.attention_mask[1]![i] === 1);
    expect(out.newTokens[1]).toEqual((await generate(model, short, { maxNewTokens: 8 })).newTokens[0]);
    model.dispose();
  });

  it('seeded sampling is reproducible across runs and on cpu and wasm', async () => {
    const cfg = { maxNewTokens: 12, doSample: true, temperature: 1.5, topK: 0, seed: 9 };
    const prompt = cases[0]!.inputs.input_ids;
    const cpu = await load('cpu');
    const a = (await generate(cpu, prompt, cfg)).newTokens, b = (await generate(cpu, prompt, cfg)).newTokens;
    expect(a).toEqual(b);
    expect((await generate(cpu, prompt, { ...cfg, seed: 10 })).newTokens).not.toEqual(a);
    await setBackend('wasm');
    const wasm = await load('wasm');
    expect((await generate(wasm, prompt, cfg)).newTokens).toEqual(a);
    await setBackend('cpu');
    cpu.dispose(); wasm.dispose();
  });

  it('stops on EOS (padding the finished row), on stop strings and on an AbortSignal', async () => {
    const model = await load();
    const c = cases.find((x) => x.name === 'batch2_left_pad')!;
    const inputs = { inputIds: c.inputs.input_ids, attentionMask: c.inputs.attention_mask };
    const eos = c.expected.greedy_new_tokens[1]![1]!; // row 1's second token (871)
    const out = await generate(model, inputs, { maxNewTokens: 8, eosTokenId: eos, padTokenId: 7 });
    expect(out.newTokens[1]).toEqual([203, 871]);
    expect(out.newTokens[0]).toEqual(c.expected.greedy_new_tokens[0]);
    expect((out.sequences.arraySync() as number[][])[1]!.slice(-6)).toEqual([7, 7, 7, 7, 7, 7]);
    const free = await generate(model, [5, 6, 7], { maxNewTokens: 6, suppressTokens: outside }, { tokenizer });
    const stop = tokenizer.decode(free.newTokens[0]!.slice(0, 2));
    const stopped = await generate(model, [5, 6, 7], { maxNewTokens: 6, stopStrings: [stop], suppressTokens: outside }, { tokenizer });
    expect(stopped.newTokens[0]!.length).toBeLessThanOrEqual(2);
    const ac = new AbortController();
    const got: number[] = [];
    for await (const e of stream(model, [5, 6, 7], { maxNewTokens: 6 }, { signal: ac.signal })) {
      got.push(e.tokenId);
      ac.abort();
    }
    expect(got).toHaveLength(1);
    model.dispose();
  });

  it('streamed text equals decoding the final ids', async () => {
    const model = await load();
    const cfg = { maxNewTokens: 24, doSample: true, temperature: 2, topK: 0, seed: 3, suppressTokens: outside };
    const prompt = tokenizer.encodeIds('the white');
    let streamed = '';
    const ids: number[] = [];
    for await (const e of stream(model, prompt, cfg, { tokenizer })) {
      streamed += e.text;
      ids.push(e.tokenId);
    }
    expect(streamed).toBe(tokenizer.decode(ids));
    const out = await generate(model, prompt, cfg, { tokenizer });
    expect(ids).toEqual(out.newTokens[0]);
    expect(streamed).toBe(out.texts![0]!.slice(0, streamed.length));
    model.dispose();
  });

  it('text prompts in, texts out', async () => {
    const model = await load();
    const out = await generate(model, ['the sea', 'the white whale'], { maxNewTokens: 3, suppressTokens: outside }, { tokenizer });
    expect(out.texts).toHaveLength(2);
    expect(out.newTokens.every((t) => t.length === 3)).toBe(true);
    await expect(generate(model, 'no tokenizer', { maxNewTokens: 2 })).rejects.toThrow(/a text prompt needs \{ tokenizer \}/);
    model.dispose();
  });
});

describe('GenerationConfig', () => {
  it('bad settings are typed errors naming the field', () => {
    const bad: [object, RegExp][] = [
      [{ topP: 0 }, /topP must be a number in \(0, 1\]/], [{ topP: 1.5 }, /topP/], [{ topK: -1 }, /topK must be an integer ≥ 0/],
      [{ doSample: true, temperature: 0 }, /temperature must be a number in \(0/], [{ numBeams: 0 }, /numBeams must be an integer ≥ 1/],
      [{ top_p: 0.9 }, /unknown field 'top_p'/], [{ maxNewTokens: 1.5 }, /maxNewTokens/], [{ repetitionPenalty: 0 }, /repetitionPenalty/],
      [{ stopStrings: [''] }, /stopStrings/], [{ eosTokenId: -1 }, /eosTokenId/], [{ earlyStopping: 'sometimes' }, /earlyStopping must be true, false or 'never'/],
      [{ numBeams: 2, numReturnSequences: 3 }, /numReturnSequences 3 exceeds numBeams 2/], [{ lengthPenalty: NaN }, /lengthPenalty/],
    ];
    for (const [fields, re] of bad) {
      expect(() => new GenerationConfig(fields as never)).toThrow(GenerationError);
      expect(() => new GenerationConfig(fields as never)).toThrow(re);
    }
  });

  it('reads generation_config.json (snake_case) and checks it', () => {
    const d = mkdtempSync(join(tmpdir(), 'tessera-gen-'));
    writeFileSync(join(d, 'generation_config.json'), JSON.stringify({ _from_model_config: true, do_sample: true, top_p: 0.9, eos_token_id: 5, transformers_version: '4.40' }));
    const c = GenerationConfig.fromPretrained(d);
    expect([c.doSample, c.topP, c.eosTokenId, c.maxNewTokens]).toEqual([true, 0.9, 5, 20]);
    writeFileSync(join(d, 'generation_config.json'), JSON.stringify({ top_p: 2 }));
    expect(() => GenerationConfig.fromPretrained(d)).toThrow(/generation_config\.json: topP must be/);
    writeFileSync(join(d, 'generation_config.json'), JSON.stringify({ warp_speed: 9 }));
    expect(() => GenerationConfig.fromPretrained(d)).toThrow(/unknown field 'warp_speed'/);
    expect(GenerationConfig.fromPretrained(join(d, 'none')).maxNewTokens).toBe(20);
  });
});
