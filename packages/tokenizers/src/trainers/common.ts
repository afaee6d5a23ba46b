// Shared trainer plumbing: options, progress reporting and word counting.
import { readFileSync } from 'node:fs';
import { fail } from '../errors.js';
import type { Normalizer } from '../normalizers.js';
import type { PreTokenizer } from '../pre-tokenizers.js';

export interface TrainerProgress {
  /** 'words': counting words; 'merges' / 'em' / 'prune': the model's own stages. */
  stage: string;
  current: number;
  total: number;
  /** Stage-specific numbers (e.g. the EM loss). */
  detail?: Record<string, number>;
}

export interface TrainerOptions {
  /** Size of the final vocabulary, special tokens included. */
  vocabSize?: number;
  /** Tokens put first in the vocabulary (ids 0..n-1), never split. */
  specialTokens?: string[];
  /** Print progress lines to stderr. */
  showProgress?: boolean;
  /** Called as training goes on. */
  progress?: (p: TrainerProgress) => void;
  /** Replace the default normalizer (null: none). */
  normalizer?: Normalizer | null;
  /** Replace the default pre-tokenizer (null: none). */
  preTokenizer?: PreTokenizer | null;
}

export type Corpus = Iterable<string>;

export function checkVocabSize(n: unknown, dflt: number): number {
  const v = n === undefined ? dflt : n;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1 << 26) {
    fail('INVALID_ARGUMENT', `vocabSize must be an integer in [1, 2^26], got ${String(n)}`);
  }
  return v;
}

export function uniqueStrings(list: unknown, what: string): string[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) fail('INVALID_ARGUMENT', `${what} must be an array of strings`);
  return [...new Set(list as string[])];
}

export class Reporter {
  private last = 0;
  constructor(private readonly o: TrainerOptions) {}
  report(stage: string, current: number, total: number, detail?: Record<string, number>): void {
    const p: TrainerProgress = detail ? { stage, current, total, detail } : { stage, current, total };
    this.o.progress?.(p);
    if (this.o.showProgress) {
      const now = Date.now();
      if (current >= total || now - this.last > 250) {
        this.last = now;
        const extra = detail ? ' ' + Object.entries(detail).map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`).join(' ') : '';
        process.stderr.write(`[${stage}] ${current}/${total}${extra}\n`);
      }
    }
  }
}

/** Count the pre-tokenized words of a corpus (first-seen order, which keeps training deterministic). */
export function countWords(corpus: Corpus, normalizer: Normalizer | null, pre: PreTokenizer | null, rep: Reporter): Map<string, number> {
  if (corpus === null || corpus === undefined || typeof (corpus as Iterable<string>)[Symbol.iterator] !== 'function' || typeof corpus === 'string') {
    fail('INVALID_ARGUMENT', 'train: the corpus must be an iterable of strings (e.g. an array of lines or documents)');
  }
  const counts = new Map<string, number>();
  const strs: string[] = [], starts: number[] = [];
  let n = 0;
  for (const text of corpus) {
    if (typeof text !== 'string') fail('INVALID_ARGUMENT', `train: corpus item ${n} is not a string`);
    n++;
    const norm = normalizer ? normalizer.normalize(text) : text;
    strs.length = 0; starts.length = 0;
    if (pre) pre.preTokenize(norm, 0, strs, starts);
    else if (norm.length) strs.push(norm);
    for (const w of strs) counts.set(w, (counts.get(w) ?? 0) + 1);
    if ((n & 1023) === 0) rep.report('words', n, 0);
  }
  rep.report('words', n, n, { unique: counts.size });
  return counts;
}

/** Read training files as lines with their line ends (as HF's `train(files)` feeds them). */
export function readLines(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let t: string;
    try { t = readFileSync(p, 'utf8'); } catch (e) { fail('IO', `cannot read ${p}: ${(e as Error).message}`); }
    for (let a = 0; a < t.length; ) {
      const e = t.indexOf('\n', a);
      const b = e < 0 ? t.length : e + 1;
      out.push(t.slice(a, b));
      a = b;
    }
  }
  return out;
}
