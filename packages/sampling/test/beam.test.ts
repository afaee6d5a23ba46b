import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import '@tessera/backend-cpu';
import { manualSeed, noGrad, setBackend, tensor } from '@tessera/core';
import { GPT2Config, GPT2LMHeadModel } from '@tessera/nn';
import { generate, GenerationError, stream } from '../src/index.js';

await setBackend('cpu');
const V = 5;
function tiny(): GPT2LMHeadModel {
  manualSeed(21);
  // this init range (seed 21) gives prompts where the greedy path is not the best one
  return new GPT2LMHeadModel(GPT2Config.from({ vocabSize: V, nPositions: 16, nEmbd: 16, nLayer: 2, nHead: 2, residPdrop: 0, embdPdrop: 0, attnPdrop: 0, initializerRange: 0.2 })).eval();
}

/** Sum of log-probabilities of `seq` after `prompt`, by one full forward pass (float64 log-softmax). */
function logprob(model: GPT2LMHeadModel, prompt: number[], seq: number[]): number {
  const ids = [...prompt, ...seq];
  const logits = noGrad(() => model.forward({ inputIds: tensor([ids], { dtype: 'int32' }) }).logits.dataSync() as Float32Array);
  let s = 0;
  for (let i = 0; i < seq.length; i++) {
    const row = Array.from(logits.subarray((prompt.length - 1 + i) * V, (prompt.length + i) * V));
    const m = Math.max(...row), lse = m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0));
    s += row[seq[i]!]! - lse;
  }
  return s;
}

describe('beam search', () => {
  it('with enough beams equals brute-force search over every sequence of a tiny vocabulary', async () => {
    const model = tiny();
    const n = 3;
    let searchMattered = 0;
    for (const prompt of [[1, 2], [3], [0, 4, 1], [2, 2], [4]]) {
      const all: { seq: number[]; lp: number }[] = [];
      for (let i = 0; i < V ** n; i++) {
        const seq = [Math.floor(i / 25) % V, Math.floor(i / 5) % V, i % V];
        all.push({ seq, lp: logprob(model, prompt, seq) });
      }
      all.sort((a, b) => b.lp - a.lp);
      const out = await generate(model, prompt, { maxNewTokens: n, numBeams: V * V, numReturnSequences: 3, lengthPenalty: 0 });
      expect(out.newTokens).toEqual(all.slice(0, 3).map((x) => x.seq));
      out.sequencesScores!.forEach((s, i) => expect(s).toBeCloseTo(all[i]!.lp, 4));
      expect(out.sequences.arraySync()).toEqual(all.slice(0, 3).map((x) => [...prompt, ...x.seq]));
      const greedy = (await generate(model, prompt, { maxNewTokens: n })).newTokens[0]!;
      if (greedy.join() !== all[0]!.seq.join()) searchMattered++;
    }
    // some of these are cases where search matters: greedy misses the best sequence
    expect(searchMattered).toBeGreaterThan(0);
    model.dispose();
  });

  it('the KV cache (rows reordered to follow the beams) gives the same beams as recomputing', async () => {
    const model = new GPT2LMHeadModel(new GPT2Config(JSON.parse((await import('node:fs')).readFileSync(fileURLToPath(new URL('./fixtures/gpt2/config.json', import.meta.url)), 'utf8'))));
    const loaded = await GPT2LMHeadModel.fromPretrained(fileURLToPath(new URL('./fixtures/gpt2', import.meta.url)));
    model.dispose();
    const inputs = { inputIds: [[0, 0, 17, 300, 5], [44, 9, 880, 12, 71]], attentionMask: [[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]] };
    const cfg = { maxNewTokens: 6, numBeams: 3, numReturnSequences: 2 };
    const a = await generate(loaded, inputs, { ...cfg, useCache: true });
    const b = await generate(loaded, inputs, { ...cfg, useCache: false });
    expect(a.newTokens).toEqual(b.newTokens);
    a.sequencesScores!.forEach((s, i) => expect(s).toBeCloseTo(b.sequencesScores![i]!, 4));
    expect(a.sequences.shape[0]).toBe(4);
    loaded.dispose();
  });

  it('a hypothesis ends with EOS; length penalty divides by the new tokens; early stopping', async () => {
    const model = tiny();
    const prompt = [1, 2];
    const best = (await generate(model, prompt, { maxNewTokens: 3, numBeams: 25, lengthPenalty: 0 })).newTokens[0]!;
    const eos = best[1]!;
    const out = await generate(model, prompt, { maxNewTokens: 4, numBeams: 4, eosTokenId: eos, padTokenId: 4, earlyStopping: true, numReturnSequences: 4, lengthPenalty: 1 });
    for (const [i, t] of out.newTokens.entries()) {
      const ended = t.at(-1) === eos;
      expect(ended || t.length === 4).toBe(true);
      expect(out.sequencesScores![i]).toBeCloseTo(logprob(model, prompt, t) / t.length, 4);
    }
    expect(out.newTokens.some((t) => t.at(-1) === eos)).toBe(true);
    const rows = out.sequences.arraySync() as number[][];
    out.newTokens.forEach((t, i) => expect(rows[i]!.slice(2 + t.length).every((x) => x === 4)).toBe(true));
    model.dispose();
  });

  it('sampling several sequences a prompt, and the errors', async () => {
    const model = tiny();
    const out = await generate(model, [[1, 2], [3]], { maxNewTokens: 3, doSample: true, numReturnSequences: 3, seed: 2 });
    expect(out.newTokens).toHaveLength(6);
    expect(out.sequences.shape[0]).toBe(6);
    await expect(generate(model, [1], { numBeams: 2, numReturnSequences: 3 })).rejects.toThrow(/numReturnSequences 3 exceeds numBeams 2/);
    await expect(generate(model, [1], { numBeams: 2, doSample: true })).rejects.toThrow(GenerationError);
    await expect(generate(model, [1], { numReturnSequences: 2 })).rejects.toThrow(/greedy gives one answer/);
    await expect((async () => { for await (const _ of stream(model, [1], { numBeams: 2 })) void _; })()).rejects.toThrow(/use generate for beam search/);
    model.dispose();
  });
});
