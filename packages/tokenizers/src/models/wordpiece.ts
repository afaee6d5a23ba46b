// WordPiece (BERT): greedy longest-match-first with a continuing-subword prefix.
import { describe, fail } from '../errors.js';
import { badArg, checkVocabOptions } from '../args.js';
import type { Model, Token } from './model.js';

export interface WordPieceOptions {
  vocab: Map<string, number> | Record<string, number>;
  unkToken?: string;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
  cacheCapacity?: number;
}

export class WordPiece implements Model {
  readonly type = 'WordPiece' as const;
  readonly vocab: Map<string, number>;
  readonly idToTok: string[] = [];
  readonly unkToken: string;
  readonly unkId: number;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
  private cache = new Map<string, number | number[]>();
  private readonly cacheCapacity: number;

  constructor(o: WordPieceOptions) {
    checkVocabOptions('WordPiece', o, ['vocab', 'unkToken', 'continuingSubwordPrefix', 'maxInputCharsPerWord', 'cacheCapacity']);
    for (const k of ['unkToken', 'continuingSubwordPrefix'] as const) if (o[k] !== undefined && typeof o[k] !== 'string') badArg('WordPiece', `opts.${k}`, 'a string', o[k]);
    for (const k of ['maxInputCharsPerWord', 'cacheCapacity'] as const) if (o[k] !== undefined && !(Number.isInteger(o[k]) && o[k]! >= 0)) badArg('WordPiece', `opts.${k}`, 'a non-negative integer', o[k]);
    this.vocab = o.vocab instanceof Map ? o.vocab : new Map(Object.entries(o.vocab));
    for (const [t, id] of this.vocab) {
      if (!Number.isInteger(id) || id < 0 || id >= 1 << 30) fail('INVALID_FIELD', `model.vocab: id of ${describe(t)} must be a non-negative integer, got ${describe(id)}`);
      this.idToTok[id] = t;
    }
    this.unkToken = o.unkToken ?? '[UNK]';
    const unk = this.vocab.get(this.unkToken);
    if (unk === undefined) fail('INVALID_FIELD', `model.unk_token ${describe(this.unkToken)} is not in model.vocab`);
    this.unkId = unk;
    this.prefix = o.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = o.maxInputCharsPerWord ?? 100;
    this.cacheCapacity = o.cacheCapacity ?? 50_000;
  }

  tokenToId(t: string) { return this.vocab.get(t); }
  idToToken(id: number) { return this.idToTok[id]; }
  getVocabSize() { return this.vocab.size; }
  getVocab() { return this.vocab; }

  /** Tokens of `word`: greedy longest match, each with the range of the word it covers; the unk covers the whole word. */
  tokenize(word: string): Token[] {
    const r = this.word(word);
    if (r === null) return [];
    if (typeof r === 'number') return [{ id: r, value: this.idToTok[r]!, offsets: [0, word.length] }];
    const n = r.length / 2, out: Token[] = new Array(n);
    for (let i = 0, a = 0; i < n; i++) { out[i] = { id: r[i]!, value: this.idToTok[r[i]!]!, offsets: [a, r[n + i]!] }; a = r[n + i]!; }
    return out;
  }

  tokenizeIds(word: string, out: number[]): void {
    const r = this.word(word);
    if (r === null) return;
    if (typeof r === 'number') { out.push(r); return; }
    for (let i = 0; i < r.length / 2; i++) out.push(r[i]!);
  }

  /** One id covering the word, or [ids..., ends...]. */
  private word(word: string): number | number[] | null {
    if (word.length === 0) return null;
    const hit = this.cache.get(word);
    if (hit !== undefined) return hit;
    const whole = this.vocab.get(word);
    if (whole !== undefined) { this.put(word, whole); return whole; }
    const r = this.split(word);
    this.put(word, r);
    return r;
  }

  private put(k: string, v: number | number[]): void {
    if (this.cacheCapacity <= 0) return;
    if (this.cache.size >= this.cacheCapacity) this.cache.clear();
    this.cache.set(k, v);
  }

  private split(word: string): number | number[] {
    let chars = 0;
    for (let i = 0; i < word.length; i++) { const c = word.charCodeAt(i); if (c < 0xdc00 || c > 0xdfff) chars++; }
    if (chars > this.maxInputCharsPerWord) return this.unkId;
    const ids: number[] = [], ends: number[] = [];
    let start = 0;
    const n = word.length;
    while (start < n) {
      let end = n, found = -1;
      while (start < end) {
        const sub = start > 0 ? this.prefix + word.slice(start, end) : word.slice(start, end);
        const id = this.vocab.get(sub);
        if (id !== undefined) { found = id; break; }
        end--;
        const c = word.charCodeAt(end);
        if (c >= 0xdc00 && c <= 0xdfff && end > start) { const h = word.charCodeAt(end - 1); if (h >= 0xd800 && h <= 0xdbff) end--; }
      }
      if (found < 0) return this.unkId;
      ids.push(found); ends.push(end);
      start = end;
    }
    return ids.length === 1 ? ids[0]! : [...ids, ...ends];
  }

  toJSON(): Record<string, unknown> {
    const vocab: Record<string, number> = {};
    for (const [t, id] of [...this.vocab].sort((a, b) => a[1] - b[1])) vocab[t] = id;
    return { type: 'WordPiece', unk_token: this.unkToken, continuing_subword_prefix: this.prefix, max_input_chars_per_word: this.maxInputCharsPerWord, vocab };
  }
}
