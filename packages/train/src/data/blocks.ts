/**
 * Blocks of a token file for causal-LM training: a deterministic train / validation split (the last
 * `valFraction` of the tokens is validation, as nanoGPT's val.bin), and seeded random blocks of
 * `blockSize` tokens (labels = inputs; the model shifts them).
 */
import { SeededRandom, type LMBatch } from '@tessera/objectives';
import { DataError } from '../errors.js';
import type { TokenFile } from './token-file.js';

/** What the Trainer draws batches from. */
export interface BatchSource {
  /** `batchSize` blocks of `blockSize` tokens, chosen by `rng`. */
  sample(rng: SeededRandom, batchSize: number, blockSize: number): LMBatch;
  readonly numTokens: number;
}

/** Tokens [start, end) of a token file. */
export class TokenRange implements BatchSource {
  constructor(readonly file: Pick<TokenFile, 'read'>, readonly start: number, readonly end: number) {}

  get numTokens(): number { return this.end - this.start; }

  sample(rng: SeededRandom, batchSize: number, blockSize: number): LMBatch {
    const span = this.numTokens - blockSize;
    if (span < 0) throw new DataError(`a block of ${blockSize} tokens does not fit in a split of ${this.numTokens} tokens: use a smaller --block-size or more data`, 'ERR_DATA_TOO_SMALL');
    const inputIds = new Int32Array(batchSize * blockSize);
    for (let b = 0; b < batchSize; b++) inputIds.set(this.file.read(this.start + rng.int(span + 1), blockSize), b * blockSize);
    return { inputIds, labels: inputIds.slice(), attentionMask: new Int32Array(inputIds.length).fill(1), batchSize, seqLength: blockSize };
  }
}

/** Token ids held in memory (tests, small corpora). */
export class TokenArray {
  constructor(readonly ids: Int32Array) {}
  get length(): number { return this.ids.length; }
  read(start: number, n: number): Int32Array { return this.ids.slice(start, start + n); }
}

/** The last `valFraction` of the tokens for validation, the rest for training. */
export function trainValSplit(file: Pick<TokenFile, 'read' | 'length'>, valFraction = 0.1): { train: TokenRange; val: TokenRange } {
  if (typeof valFraction !== 'number' || !(valFraction > 0 && valFraction < 1)) throw new DataError(`trainValSplit: valFraction must be in (0, 1), got ${String(valFraction)}`, 'ERR_ARGUMENT');
  const cut = Math.floor(file.length * (1 - valFraction));
  return { train: new TokenRange(file, 0, cut), val: new TokenRange(file, cut, file.length) };
}

/**
 * The unigram baseline: the mean cross-entropy (nats) on `evalRange` of predicting each token from
 * the token frequencies of `fitRange` alone (add-one smoothing over the vocabulary). A language model
 * has learned something from context when its validation loss is below this.
 */
export function unigramBaseline(fitRange: TokenRange, evalRange: TokenRange, vocabSize: number, chunk = 1 << 20): number {
  const counts = new Float64Array(vocabSize);
  const each = (r: TokenRange, f: (id: number) => void) => {
    for (let s = r.start; s < r.end; s += chunk) {
      const ids = r.file.read(s, Math.min(chunk, r.end - s));
      for (let i = 0; i < ids.length; i++) f(ids[i]!);
    }
  };
  each(fitRange, (id) => { counts[id]! += 1; });
  const total = fitRange.numTokens + vocabSize;
  let nll = 0;
  each(evalRange, (id) => { nll -= Math.log((counts[id]! + 1) / total); });
  return nll / evalRange.numTokens;
}
