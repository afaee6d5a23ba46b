import { manualSeed } from '@tessera/core';
import { GPT2Config, GPT2LMHeadModel } from '@tessera/nn';
import { SeededRandom } from '@tessera/objectives';
import { TokenArray, trainValSplit } from '../src/index.js';

export const VOCAB = 23;

/** A tiny GPT-2 (seeded init); dropout on unless `dropout: 0`. */
export function tinyGpt(seed = 1, dropout = 0.1): GPT2LMHeadModel {
  manualSeed(seed);
  return new GPT2LMHeadModel(GPT2Config.from({
    vocabSize: VOCAB, nPositions: 16, nEmbd: 16, nLayer: 1, nHead: 2, residPdrop: dropout, embdPdrop: dropout, attnPdrop: dropout,
  }));
}

/** A corpus with structure to learn: noisy repeats of a short pattern. */
export function tinyCorpus(n = 4000, seed = 3): { train: ReturnType<typeof trainValSplit>['train']; val: ReturnType<typeof trainValSplit>['val']; ids: Int32Array } {
  const r = new SeededRandom(seed);
  const pattern = [3, 7, 1, 9, 4, 4, 12, 5, 20, 2];
  const ids = Int32Array.from({ length: n }, (_, i) => (r.next() < 0.1 ? r.int(VOCAB) : pattern[i % pattern.length]!));
  return { ...trainValSplit(new TokenArray(ids), 0.1), ids };
}
