import { describe, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { tensor } from '@tessera/core';
import {
  DRYLogitsProcessor, EpsilonLogitsWarper, EtaLogitsWarper, ForcedBOSTokenLogitsProcessor, ForcedEOSTokenLogitsProcessor,
  FrequencyPenaltyLogitsProcessor, GenerationError, MinNewTokensLengthLogitsProcessor, MinPLogitsWarper, NoBadWordsLogitsProcessor,
  NoRepeatNGramLogitsProcessor, PresencePenaltyLogitsProcessor, RepetitionPenaltyLogitsProcessor, SequenceBiasLogitsProcessor,
  SuppressTokensLogitsProcessor, TemperatureLogitsWarper, TopKLogitsWarper, TopNSigmaLogitsWarper, TopPLogitsWarper,
  TypicalLogitsWarper, XTCLogitsWarper, type LogitsProcessor,
} from '../src/index.js';

const run = (p: LogitsProcessor, scores: number[], ids: number[] = []) => {
  const s = Float32Array.from(scores);
  p.processRow(Int32Array.from(ids), s, 0);
  return Array.from(s);
};
/** Indices left finite. */
const kept = (p: LogitsProcessor, scores: number[], ids: number[] = []) => run(p, scores, ids).flatMap((v, i) => (v > -Infinity ? [i] : []));
const logp = (ps: number[]) => ps.map(Math.log);
const inf = -Infinity;

describe('HF warpers on hand-made distributions', () => {
  it('temperature divides', () => {
    expect(run(new TemperatureLogitsWarper({ temperature: 2 }), [2, -4, 1])).toEqual([1, -2, 0.5]);
  });

  it('top-k keeps the k largest, ties with the k-th kept', () => {
    expect(kept(new TopKLogitsWarper({ topK: 2 }), [1, 5, 3, 5, 2])).toEqual([1, 3]);
    expect(kept(new TopKLogitsWarper({ topK: 3 }), [1, 5, 3, 5, 2])).toEqual([1, 2, 3]);
    expect(kept(new TopKLogitsWarper({ topK: 2 }), [1, 5, 3, 3, 2])).toEqual([1, 2, 3]); // tie at the k-th
    expect(kept(new TopKLogitsWarper({ topK: 1, minTokensToKeep: 3 }), [1, 5, 3, 4, 2])).toEqual([1, 2, 3]);
  });

  it('top-p keeps the smallest set whose mass reaches p', () => {
    const s = logp([0.5, 0.2, 0.15, 0.1, 0.05]);
    expect(kept(new TopPLogitsWarper({ topP: 0.75 }), s)).toEqual([0, 1, 2]);
    expect(kept(new TopPLogitsWarper({ topP: 0.5 }), s)).toEqual([0]);
    expect(kept(new TopPLogitsWarper({ topP: 1 }), s)).toEqual([0, 1, 2, 3, 4]);
    expect(kept(new TopPLogitsWarper({ topP: 0.01, minTokensToKeep: 2 }), s)).toEqual([0, 1]);
    // ties as HF: ascending sort, drop while cumulative ≤ 1 − p: both tied tokens stay
    expect(kept(new TopPLogitsWarper({ topP: 0.5 }), logp([0.4, 0.4, 0.2]))).toEqual([0, 1]);
  });

  it('min-p drops tokens below minP × the top probability', () => {
    expect(kept(new MinPLogitsWarper({ minP: 0.3 }), logp([0.5, 0.3, 0.1, 0.1]))).toEqual([0, 1]);
    expect(kept(new MinPLogitsWarper({ minP: 0.9, minTokensToKeep: 2 }), logp([0.5, 0.3, 0.1, 0.1]))).toEqual([0, 1]);
  });

  it('typical-p keeps the tokens whose surprise is nearest the entropy, up to the mass', () => {
    // H = 1.2799; |−ln p − H| = 0.364, 0.076, 0.329, 1.023 → order 1, 2, 0, 3
    const s = logp([0.4, 0.3, 0.2, 0.1]);
    expect(kept(new TypicalLogitsWarper({ mass: 0.5 }), s)).toEqual([1, 2]);
    expect(kept(new TypicalLogitsWarper({ mass: 0.9 }), s)).toEqual([0, 1, 2]);
  });

  it('epsilon and eta cut below their thresholds', () => {
    const ps = [0.6, 0.3, 0.08, 0.02];
    expect(kept(new EpsilonLogitsWarper({ epsilon: 0.05 }), logp(ps))).toEqual([0, 1, 2]);
    const H = -ps.reduce((a, p) => a + p * Math.log(p), 0);
    const eta = Math.min(0.1, Math.sqrt(0.1) * Math.exp(-H)); // H = 0.948: √0.1·e^−H = 0.1225, so η = 0.1
    expect(kept(new EtaLogitsWarper({ epsilon: 0.1 }), logp(ps))).toEqual(ps.flatMap((p, i) => (p >= eta ? [i] : [])));
    expect(eta).toBe(0.1);
    expect(kept(new EtaLogitsWarper({ epsilon: 0.5 }), logp(ps))).toEqual([0, 1]); // η = min(0.5, √0.5·e^−H = 0.274)
  });
});

describe('HF penalties and constraints', () => {
  it('repetition penalty divides positive and multiplies negative scores of seen tokens', () => {
    expect(run(new RepetitionPenaltyLogitsProcessor({ penalty: 2 }), [2, -2, 1], [0, 1, 1])).toEqual([1, -4, 1]);
  });

  it('presence and frequency penalties (OpenAI / llama.cpp)', () => {
    expect(run(new PresencePenaltyLogitsProcessor({ presencePenalty: 0.5 }), [1, 1, 1], [0, 0, 1])).toEqual([0.5, 0.5, 1]);
    expect(run(new FrequencyPenaltyLogitsProcessor({ frequencyPenalty: 0.5 }), [1, 1, 1], [0, 0, 1])).toEqual([0, 0.5, 1]);
    expect(run(new FrequencyPenaltyLogitsProcessor({ frequencyPenalty: 0.5, lastN: 1 }), [1, 1, 1], [0, 0, 1])).toEqual([1, 0.5, 1]);
  });

  it('no-repeat-n-gram bans the token that would repeat an n-gram', () => {
    expect(kept(new NoRepeatNGramLogitsProcessor({ ngramSize: 3 }), [0, 0, 0, 0, 0], [1, 2, 3, 1, 2])).toEqual([0, 1, 2, 4]);
    expect(kept(new NoRepeatNGramLogitsProcessor({ ngramSize: 2 }), [0, 0, 0, 0, 0], [1, 2, 3, 1, 2])).toEqual([0, 1, 2, 4]);
    expect(kept(new NoRepeatNGramLogitsProcessor({ ngramSize: 4 }), [0, 0, 0, 0, 0], [1, 2])).toEqual([0, 1, 2, 3, 4]);
  });

  it('bad words: single tokens always, longer ones after their prefix; [eos] is ignored', () => {
    const p = new NoBadWordsLogitsProcessor({ badWordsIds: [[4], [2, 5], [0]], eosTokenId: 0 });
    expect(kept(p, [0, 0, 0, 0, 0, 0], [1, 2])).toEqual([0, 1, 2, 3]);
    expect(kept(p, [0, 0, 0, 0, 0, 0], [1, 3])).toEqual([0, 1, 2, 3, 5]);
  });

  it('sequence bias adds to the last token after the prefix', () => {
    const p = new SequenceBiasLogitsProcessor({ sequenceBias: [[[1], 2], [[3, 2], -5]] });
    expect(run(p, [0, 0, 0, 0], [0, 3])).toEqual([0, 2, -5, 0]);
    expect(run(p, [0, 0, 0, 0], [0, 1])).toEqual([0, 2, 0, 0]);
  });

  it('min new tokens bans EOS until enough follow the prompt', () => {
    const p = new MinNewTokensLengthLogitsProcessor({ promptLengthToSkip: 3, minNewTokens: 2, eosTokenId: [1, 2] });
    expect(kept(p, [0, 0, 0, 0], [9, 9, 9, 7])).toEqual([0, 3]);
    expect(kept(p, [0, 0, 0, 0], [9, 9, 9, 7, 7])).toEqual([0, 1, 2, 3]);
  });

  it('forced BOS at length 1, forced EOS at maxLength − 1, suppressed tokens', () => {
    expect(run(new ForcedBOSTokenLogitsProcessor({ bosTokenId: 2 }), [1, 1, 1], [0])).toEqual([inf, inf, 0]);
    expect(run(new ForcedBOSTokenLogitsProcessor({ bosTokenId: 2 }), [1, 1, 1], [0, 1])).toEqual([1, 1, 1]);
    expect(run(new ForcedEOSTokenLogitsProcessor({ maxLength: 4, eosTokenId: 1 }), [3, 2, 1], [5, 5, 5])).toEqual([inf, 0, inf]);
    expect(run(new ForcedEOSTokenLogitsProcessor({ maxLength: 4, eosTokenId: 1 }), [3, 2, 1], [5, 5])).toEqual([3, 2, 1]);
    expect(kept(new SuppressTokensLogitsProcessor({ suppressTokens: [0, 2] }), [1, 1, 1])).toEqual([1]);
  });
});

describe("llama.cpp's samplers", () => {
  // a b c c b c y a b c (llama.cpp's DRY example): repeat lengths c 3, y 2, b 1
  const [a, b, c, y] = [0, 1, 2, 3];
  const ctx = [a, b, c, c, b, c, y, a, b, c];

  it('DRY penalises the token that would extend a repeat by multiplier · base^(n − allowedLength)', () => {
    const p = new DRYLogitsProcessor({ multiplier: 1, base: 2, allowedLength: 2 });
    expect(run(p, [0, 0, 0, 0, 0], ctx)).toEqual([0, 0, -2, -1, 0]);
    expect(run(new DRYLogitsProcessor({ multiplier: 0.5, base: 3, allowedLength: 1 }), [0, 0, 0, 0, 0], ctx)).toEqual([0, -0.5, -4.5, -1.5, 0]);
  });

  it('DRY: matches never cross a sequence breaker, and breakers are never penalised', () => {
    expect(run(new DRYLogitsProcessor({ multiplier: 1, base: 2, allowedLength: 2, sequenceBreakers: [b] }), [0, 0, 0, 0, 0], ctx)).toEqual([0, 0, 0, 0, 0]);
    expect(run(new DRYLogitsProcessor({ multiplier: 1, base: 2, allowedLength: 2, sequenceBreakers: [y] }), [0, 0, 0, 0, 0], ctx)).toEqual([0, 0, -2, 0, 0]);
  });

  it('XTC removes every token above the threshold but the least likely of them', () => {
    const s = logp([0.5, 0.3, 0.15, 0.05]);
    expect(kept(new XTCLogitsWarper({ probability: 1, threshold: 0.1 }), s)).toEqual([2, 3]);
    expect(kept(new XTCLogitsWarper({ probability: 1, threshold: 0.4 }), s)).toEqual([0, 1, 2, 3]); // one above: nothing
    expect(kept(new XTCLogitsWarper({ probability: 0, threshold: 0.1 }), s)).toEqual([0, 1, 2, 3]);
    // with probability 0.5 it fires on about half of the rows (seeded)
    const x = new XTCLogitsWarper({ probability: 0.5, threshold: 0.1, seed: 3 });
    let fired = 0;
    for (let i = 0; i < 2000; i++) if (kept(x, s).length === 2) fired++;
    expect(Math.abs(fired / 2000 - 0.5)).toBeLessThan(0.05);
  });

  it('top-nσ keeps logits ≥ max − n·σ of the finite logits', () => {
    // mean 6.25, σ = √12.6875 = 3.562 → cut 6.438
    expect(kept(new TopNSigmaLogitsWarper({ n: 1 }), [10, 9, 5, 1, inf])).toEqual([0, 1]);
    expect(kept(new TopNSigmaLogitsWarper({ n: 2 }), [10, 9, 5, 1])).toEqual([0, 1, 2]);
  });
});

describe('options and the tensor form', () => {
  it('bad options are typed errors naming the field', () => {
    expect(() => new TopPLogitsWarper({ topP: 0 })).toThrow(/TopPLogitsWarper: topP must be a number in \(0, 1\]/);
    expect(() => new TopPLogitsWarper({ topP: 1.5 })).toThrow(GenerationError);
    expect(() => new TopKLogitsWarper({ topK: -1 })).toThrow(/topK must be an integer ≥ 1/);
    expect(() => new TemperatureLogitsWarper({ temperature: 0 })).toThrow(/temperature/);
    expect(() => new TypicalLogitsWarper({ mass: 1 })).toThrow(/mass/);
    expect(() => new TopPLogitsWarper({ top_p: 0.9 } as never)).toThrow(/unknown option 'top_p'/);
    expect(() => new NoBadWordsLogitsProcessor({ badWordsIds: [[]] })).toThrow(/badWordsIds\[0\] is empty/);
  });

  it('process(inputIds, scores) works on tensors, row by row', () => {
    const out = new RepetitionPenaltyLogitsProcessor({ penalty: 2 }).process(
      tensor([[0, 1], [2, 2]], { dtype: 'int32' }), tensor([[2, -2, 1], [2, -2, 1]]),
    );
    expect(out.arraySync()).toEqual([[1, -4, 1], [2, -2, 0.5]]);
  });
});
