import { describe, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { manualSeed, noGrad, tidy } from '@tessera/core';
import { GPT2Config, GPT2LMHeadModel } from '@tessera/nn';
import {
  IGNORE_INDEX, ObjectiveError, SeededRandom, batchTensors, clmBatches, DataCollatorForCausalLM, groupTexts,
} from '../src/index.js';

const rng = new SeededRandom(7);
const doc = (n: number) => Array.from({ length: n }, () => 1 + rng.int(40));

describe('groupTexts', () => {
  it('joins documents with EOS between them and cuts blocks of blockSize', () => {
    const docs = [doc(5), doc(7), doc(3)];
    const blocks = groupTexts(docs, { blockSize: 4, eosTokenId: 0 });
    const stream = [...docs[0]!, 0, ...docs[1]!, 0, ...docs[2]!];
    expect(blocks.flatMap((b) => [...b])).toEqual(stream);
    expect(blocks.slice(0, -1).every((b) => b.length === 4)).toBe(true);
    expect(blocks.at(-1)!.length).toBe(stream.length % 4 || 4);
    // the EOS ids sit exactly between documents
    const eosAt = stream.flatMap((v, i) => (v === 0 ? [i] : []));
    expect(eosAt).toEqual([5, 13]);
  });

  it('drops a short last block when asked', () => {
    const blocks = groupTexts([doc(10)], { blockSize: 4, eosTokenId: 0, dropLast: true });
    expect(blocks.map((b) => b.length)).toEqual([4, 4]);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => groupTexts([doc(3)], { blockSize: 0, eosTokenId: 0 })).toThrow(/blockSize must be a positive integer/);
    expect(() => groupTexts([[1, -2]], { blockSize: 2, eosTokenId: 0 })).toThrow(ObjectiveError);
    expect(() => groupTexts([[1, 2]], { blockSize: 2, eosTokenId: 1.5 })).toThrow(/eosTokenId/);
    expect(() => groupTexts('abc' as never, { blockSize: 2, eosTokenId: 0 })).toThrow(/docs must be an array/);
  });
});

describe('DataCollatorForCausalLM', () => {
  it('pads to the longest: labels copy inputs, -100 and mask 0 on padding', () => {
    const ex = [doc(5), doc(3), doc(1)];
    const b = new DataCollatorForCausalLM({ padTokenId: 99 }).collate(ex);
    expect([b.batchSize, b.seqLength]).toEqual([3, 5]);
    ex.forEach((e, i) => {
      for (let t = 0; t < 5; t++) {
        const k = i * 5 + t;
        if (t < e.length) {
          expect([b.inputIds[k], b.labels[k], b.attentionMask[k]]).toEqual([e[t], e[t], 1]);
        } else {
          expect([b.inputIds[k], b.labels[k], b.attentionMask[k]]).toEqual([99, IGNORE_INDEX, 0]);
        }
      }
    });
  });

  it('pads to a multiple', () => {
    const b = new DataCollatorForCausalLM({ padTokenId: 0, padToMultipleOf: 8 }).collate([doc(9)]);
    expect(b.seqLength).toBe(16);
  });

  it('labels are the inputs shifted by one under the model\'s loss', () => {
    manualSeed(3);
    const model = new GPT2LMHeadModel(GPT2Config.from({ vocabSize: 41, nPositions: 16, nEmbd: 16, nLayer: 1, nHead: 2 })).eval();
    const b = new DataCollatorForCausalLM({ padTokenId: 0 }).collate([doc(8), doc(6)]);
    const [viaLabels, byHand] = noGrad(() => tidy(() => {
      const t = batchTensors(b);
      const out = model.forward({ inputIds: t.inputIds, attentionMask: t.attentionMask, labels: t.labels });
      // by hand: mean over valid positions of -log softmax(logits[t])[ids[t+1]]
      const logp = out.logits.logSoftmax(-1).dataSync() as Float32Array;
      let s = 0, n = 0;
      for (let r = 0; r < 2; r++) {
        for (let q = 0; q + 1 < 8; q++) {
          const y = b.labels[r * 8 + q + 1]!;
          if (y === IGNORE_INDEX) continue;
          s -= logp[(r * 8 + q) * 41 + y]!;
          n++;
        }
      }
      return [out.loss!.item(), s / n];
    }));
    expect(viaLabels).toBeCloseTo(byHand, 5);
    model.dispose();
  });

  it('rejects bad options and examples', () => {
    expect(() => new DataCollatorForCausalLM({ padTokenId: -1 })).toThrow(/padTokenId/);
    expect(() => new DataCollatorForCausalLM({ padTokenId: 0, mlm: true } as never)).toThrow(/unknown option 'mlm'/);
    expect(() => new DataCollatorForCausalLM({ padTokenId: 0 }).collate([])).toThrow(/non-empty/);
    expect(() => new DataCollatorForCausalLM({ padTokenId: 0 }).collate([[]])).toThrow(/empty/);
  });
});

describe('clmBatches', () => {
  const docs = Array.from({ length: 12 }, () => doc(5 + rng.int(20)));
  const opts = { blockSize: 8, eosTokenId: 0, padTokenId: 0, batchSize: 4 };
  const flat = (seed: number, epochs = 1) => [...clmBatches(docs, { ...opts, seed }, epochs)].map((b) => [...b.inputIds]);

  it('is deterministic for a seed and differs across seeds', () => {
    expect(flat(1)).toEqual(flat(1));
    expect(flat(1)).not.toEqual(flat(2));
  });

  it('visits every block once per epoch', () => {
    const blocks = groupTexts(docs, opts).map((b) => [...b].join());
    const seen = [...clmBatches(docs, { ...opts, seed: 5 })].flatMap((b) => {
      const rows: string[] = [];
      for (let r = 0; r < b.batchSize; r++) {
        const row = [...b.inputIds.subarray(r * b.seqLength, (r + 1) * b.seqLength)];
        const len = [...b.attentionMask.subarray(r * b.seqLength, (r + 1) * b.seqLength)].reduce((a, c) => a + c, 0);
        rows.push(row.slice(0, len).join());
      }
      return rows;
    });
    expect(seen.sort()).toEqual(blocks.sort());
    expect(flat(5, 2).length).toBe(2 * Math.ceil(blocks.length / 4));
  });
});

describe('SeededRandom', () => {
  it('resumes from its state', () => {
    const a = new SeededRandom(11);
    for (let i = 0; i < 5; i++) a.next();
    const b = SeededRandom.fromState(a.state());
    expect([a.next(), a.int(100)]).toEqual([b.next(), b.int(100)]);
    const xs = Array.from({ length: 2000 }, () => a.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.03);
  });
});
