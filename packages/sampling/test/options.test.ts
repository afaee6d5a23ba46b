import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tessera/backend-cpu';
import { setBackend } from '@tessera/core';
import { GPT2LMHeadModel } from '@tessera/nn';
import { buildPipeline, generate, GenerationConfig, type GenerationConfigFields } from '../src/index.js';

await setBackend('cpu');
const dir = fileURLToPath(new URL('./fixtures/gpt2', import.meta.url));
const { cases } = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { cases: { name: string; inputs: { input_ids: number[][] }; expected: { greedy_new_tokens: number[][] } }[] };
// single_len8: greedy gives 203 203 833 833 833 833 833 833
const c = cases.find((x) => x.name === 'single_len8')!;
const prompt = c.inputs.input_ids[0]!;
const greedy = c.expected.greedy_new_tokens[0]!;
const model = await GPT2LMHeadModel.fromPretrained(dir);
const run = async (cfg: Partial<GenerationConfigFields>, p: number[] = prompt) => (await generate(model, p, { maxNewTokens: 8, ...cfg })).newTokens[0]!;
const logits = async (p: number[]) => {
  const { tensor, noGrad } = await import('@tessera/core');
  const l = noGrad(() => model.forward({ inputIds: tensor([p], { dtype: 'int32' }) }).logits);
  const V = l.shape[2]!, all = l.dataSync() as Float32Array;
  return Array.from(all.subarray((p.length - 1) * V, p.length * V));
};

describe('every GenerationConfig option is wired into generate', () => {
  it('the pipeline holds each processor, in HF order', () => {
    const cfg = new GenerationConfig({
      doSample: true, temperature: 0.7, topK: 5, topP: 0.9, minP: 0.05, typicalP: 0.95, epsilonCutoff: 0.001, etaCutoff: 0.001,
      repetitionPenalty: 1.2, presencePenalty: 0.5, frequencyPenalty: 0.5, noRepeatNgramSize: 3, badWordsIds: [[1]],
      sequenceBias: [[[2], 1]], suppressTokens: [3], forcedBosTokenId: 4, forcedEosTokenId: 5, minNewTokens: 2, eosTokenId: 6,
      dryMultiplier: 0.8, topNSigma: 2, xtcProbability: 0.5, xtcThreshold: 0.1,
    });
    const names = buildPipeline(cfg, [3]).processors.processors.map((p) => p.constructor.name);
    expect(names).toEqual([
      'SequenceBiasLogitsProcessor', 'RepetitionPenaltyLogitsProcessor', 'PresencePenaltyLogitsProcessor', 'FrequencyPenaltyLogitsProcessor',
      'DRYLogitsProcessor', 'NoRepeatNGramLogitsProcessor', 'NoBadWordsLogitsProcessor', 'PerRow', 'ForcedBOSTokenLogitsProcessor', 'PerRow',
      'SuppressTokensLogitsProcessor', 'TemperatureLogitsWarper', 'TopNSigmaLogitsWarper', 'TopKLogitsWarper', 'TopPLogitsWarper',
      'MinPLogitsWarper', 'TypicalLogitsWarper', 'EpsilonLogitsWarper', 'EtaLogitsWarper', 'XTCLogitsWarper',
    ]);
    expect(buildPipeline(cfg, [3]).sampler.constructor.name).toBe('MultinomialSampler');
    expect(buildPipeline(new GenerationConfig({ mirostatTau: 3 }), [3]).sampler.constructor.name).toBe('MirostatV2Sampler');
    expect(buildPipeline(new GenerationConfig({}), [3]).sampler.constructor.name).toBe('GreedySampler');
    // warpers act only when sampling, as HF
    expect(buildPipeline(new GenerationConfig({ topP: 0.5, temperature: 0.5 }), [3]).processors.processors).toHaveLength(0);
  });

  it('penalties and constraints change greedy decoding as they should', async () => {
    expect(await run({})).toEqual(greedy);
    const noRepeat = await run({ noRepeatNgramSize: 1 });
    expect(new Set([...prompt, ...noRepeat]).size).toBe(prompt.length + noRepeat.length - (prompt.length - new Set(prompt).size));
    for (const penalty of [{ repetitionPenalty: 10 }, { presencePenalty: 2 }, { frequencyPenalty: 2 }, { dryMultiplier: 50, dryAllowedLength: 1 }]) {
      const out = await run(penalty);
      expect(out, JSON.stringify(penalty)).not.toEqual(greedy);
      expect(out[1], JSON.stringify(penalty)).not.toBe(out[0]); // the greedy path repeats 203 at once
    }
    expect(await run({ sequenceBias: [[[17], 1e4]] })).toEqual(new Array(8).fill(17));
    expect(await run({ badWordsIds: [[203]] })).not.toContain(203);
    expect(await run({ suppressTokens: [203, 833] })).not.toContain(833);
    expect((await run({ forcedEosTokenId: 7 })).at(-1)).toBe(7);
    expect((await run({ forcedBosTokenId: 9 }, [5]))[0]).toBe(9);
    const minNew = await run({ eosTokenId: 203, minNewTokens: 3 });
    expect(minNew.slice(0, 3)).not.toContain(203);
    expect(await run({ eosTokenId: 203 })).toEqual([203]);
  });

  it('sampling warpers restrict what can be drawn', async () => {
    const first = await logits(prompt);
    const argmin = first.indexOf(Math.min(...first));
    const s = { doSample: true, seed: 1, topK: 0 };
    // keeping only the top token makes sampling greedy
    for (const only of [{ minP: 1 }, { topNSigma: 1e-9 }, { topK: 1 }, { topP: 1e-6 }, { epsilonCutoff: 0.9 }, { mirostatTau: 1e-3 }]) {
      expect((await run({ ...s, ...only, maxNewTokens: 3 })).slice(0, 1), JSON.stringify(only)).toEqual(greedy.slice(0, 1));
    }
    // XTC with threshold 0 removes every token but the least likely one
    expect((await run({ ...s, xtcProbability: 1, xtcThreshold: 0, maxNewTokens: 1 }))[0]).toBe(argmin);
    // typical, eta and temperature run and are reproducible for a seed
    for (const o of [{ typicalP: 0.5 }, { etaCutoff: 0.01 }, { temperature: 0.3 }]) {
      expect(await run({ ...s, ...o }), JSON.stringify(o)).toEqual(await run({ ...s, ...o }));
    }
  });
});
