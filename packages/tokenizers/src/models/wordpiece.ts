// WordPiece (BERT): greedy longest-match-first with a continuing-subword prefix.
import { TokenizerError } from '../errors.js';
import type { Model } from './model.js';

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
    this.vocab = o.vocab instanceof Map ? o.vocab : new Map(Object.entries(o.vocab));
    for (const [t, id] of this.vocab) {
      if (!Number.isInteger(id) || id < 0 || id >= 1 << 30) throw new TokenizerError('INVALID_FIELD', `model.vocab: id of ${JSON.stringify(t)} must be a non-negative integer, got ${id}`);
      this.idToTok[id] = t;
    }
    this.unkToken = o.unkToken ?? '[UNK]';
    const unk = this.vocab.get(this.unkToken);
    if (unk === undefined) throw new TokenizerError('INVALID_FIELD', `model.unk_token ${JSON.stringify(this.unkToken)} is not in model.vocab`);
    this.unkId = unk;
    this.prefix = o.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = o.maxInputCharsPerWord ?? 100;
    this.cacheCapacity = o.cacheCapacity ?? 50_000;
  }

  tokenToId(t: string) { return this.vocab.get(t); }
  idToToken(id: number) { return this.idToTok[id]; }
  getVocabSize() { return this.vocab.size; }
  getVocab() { return this.vocab; }

  tokenize(word: string, out: number[]): void {
    const hit = this.cache.get(word);
    if (hit !== undefined) {
      if (typeof hit === 'number') out.push(hit);
      else for (let i = 0; i < hit.length; i++) out.push(hit[i]!);
      return;
    }
    const whole = this.vocab.get(word);
    if (whole !== undefined) { this.put(word, whole); out.push(whole); return; }
    const ids = this.split(word);
    this.put(word, ids.length === 1 ? ids[0]! : ids);
    for (const id of ids) out.push(id);
  }

  private put(k: string, v: number | number[]): void {
    if (this.cacheCapacity <= 0) return;
    if (this.cache.size >= this.cacheCapacity) this.cache.clear();
    this.cache.set(k, v);
  }

  private split(word: string): number[] {
    let chars = 0;
    for (let i = 0; i < word.length; i++) { const c = word.charCodeAt(i); if (c < 0xdc00 || c > 0xdfff) chars++; }
    if (chars > this.maxInputCharsPerWord) return [this.unkId];
    const ids: number[] = [];
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
      if (found < 0) return [this.unkId];
      ids.push(found);
      start = end;
    }
    return ids;
  }

  toJSON(): Record<string, unknown> {
    const vocab: Record<string, number> = {};
    for (const [t, id] of [...this.vocab].sort((a, b) => a[1] - b[1])) vocab[t] = id;
    return { type: 'WordPiece', unk_token: this.unkToken, continuing_subword_prefix: this.prefix, max_input_chars_per_word: this.maxInputCharsPerWord, vocab };
  }
}
