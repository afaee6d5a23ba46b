// Byte-pair encoding: HF `tokenizers` BPE (merges ranked by their order) and tiktoken ranks
// (the pair whose concatenation has the lowest rank merges first), with byte fallback,
// dropout, unk fusing, subword prefix / end-of-word suffix and a word cache.
import { describe, fail } from '../errors.js';
import { badArg, checkVocabOptions } from '../args.js';
import { BYTE_TO_CHAR, CHAR_TO_BYTE, writeUtf8 } from '../unicode.js';
import { PairTable } from './pair-table.js';
import { mulberry32, type Model, type Token } from './model.js';

export interface BPEOptions {
  /** token -> id; tokens of byte-level models are in GPT-2's byte-to-unicode alphabet. */
  vocab: Map<string, number> | Record<string, number>;
  /** Merges in priority order, each `[left, right]` (or `"left right"`). */
  merges: Array<[string, string] | string>;
  unkToken?: string | null;
  continuingSubwordPrefix?: string | null;
  endOfWordSuffix?: string | null;
  fuseUnk?: boolean;
  byteFallback?: boolean;
  /** Probability of skipping each merge (BPE-dropout); disables the cache. */
  dropout?: number | null;
  /** Seed for dropout's random numbers. */
  seed?: number;
  /** Use a word's id directly when the whole word is in the vocabulary. */
  ignoreMerges?: boolean;
  /** Words kept in the word -> ids cache (0 disables it). */
  cacheCapacity?: number;
}

const INF = 0x7fffffff;
const MAX_IDS = 1 << 30;

export class BPE implements Model {
  readonly type = 'BPE' as const;
  readonly vocab: Map<string, number>;
  readonly idToTok: string[] = [];
  readonly unkToken: string | null;
  readonly unkId: number;
  readonly continuingSubwordPrefix: string | null;
  readonly endOfWordSuffix: string | null;
  readonly fuseUnk: boolean;
  readonly byteFallback: boolean;
  readonly dropout: number | null;
  readonly ignoreMerges: boolean;
  /** id of the token of each single byte (byte-level alphabet), -1 where missing. */
  readonly byteIds = new Int32Array(256).fill(-1);
  /** true when every byte has a token: raw text can be encoded from its UTF-8 bytes. */
  readonly byteLevel: boolean;
  /** tiktoken semantics: merge priority = rank of the merged token, whole-piece shortcut. */
  readonly rankMode: boolean;
  private readonly pairs: PairTable;
  private readonly mergeList: Array<[string, string]>;
  private readonly byteKeys: string[] | null = null; // tiktoken: id -> latin1 bytes
  private readonly byteKeyToId: Map<string, number> | null = null;
  private cache: Map<string, number | Int32Array> | null;
  private readonly cacheCapacity: number;
  private readonly rng: () => number;
  private buf = new Uint8Array(256);
  private syms = new Int32Array(256);
  private ranks = new Int32Array(256);
  private mids = new Int32Array(256);
  /** [start, end) of each symbol, in UTF-16 units of the word (or bytes of a raw piece). */
  private st = new Int32Array(256);
  private en = new Int32Array(256);

  constructor(opts: BPEOptions, ranks?: { keys: string[]; map: Map<string, number> }) {
    checkVocabOptions('BPE', opts, ['vocab', 'merges', 'unkToken', 'continuingSubwordPrefix', 'endOfWordSuffix', 'fuseUnk', 'byteFallback', 'dropout', 'seed', 'ignoreMerges', 'cacheCapacity']);
    if (!Array.isArray(opts.merges)) badArg('BPE', 'opts.merges', 'an array of merges', opts.merges);
    for (const k of ['unkToken', 'continuingSubwordPrefix', 'endOfWordSuffix'] as const) if (opts[k] !== undefined && opts[k] !== null && typeof opts[k] !== 'string') badArg('BPE', `opts.${k}`, 'a string or null', opts[k]);
    for (const k of ['seed', 'cacheCapacity'] as const) if (opts[k] !== undefined && !(Number.isInteger(opts[k]) && opts[k]! >= 0)) badArg('BPE', `opts.${k}`, 'a non-negative integer', opts[k]);
    if (opts.dropout !== undefined && opts.dropout !== null && typeof opts.dropout !== 'number') badArg('BPE', 'opts.dropout', 'a number in [0, 1] or null', opts.dropout);
    this.vocab = opts.vocab instanceof Map ? opts.vocab : new Map(Object.entries(opts.vocab));
    for (const [tok, id] of this.vocab) {
      if (!Number.isInteger(id) || id < 0 || id >= MAX_IDS) {
        fail('INVALID_FIELD', `model.vocab: id of ${describe(tok)} must be an integer in [0, 2^30), got ${describe(id)}`);
      }
      this.idToTok[id] = tok;
    }
    this.unkToken = opts.unkToken ?? null;
    const unk = this.unkToken === null ? undefined : this.vocab.get(this.unkToken);
    if (this.unkToken !== null && unk === undefined) {
      fail('INVALID_FIELD', `model.unk_token ${describe(this.unkToken)} is not in model.vocab`);
    }
    this.unkId = unk ?? -1;
    this.continuingSubwordPrefix = opts.continuingSubwordPrefix || null;
    this.endOfWordSuffix = opts.endOfWordSuffix || null;
    this.fuseUnk = !!opts.fuseUnk;
    this.byteFallback = !!opts.byteFallback;
    const d = opts.dropout ?? null;
    if (d !== null && !(d >= 0 && d <= 1)) fail('INVALID_FIELD', `model.dropout must be in [0, 1], got ${describe(d)}`);
    this.dropout = d !== null && d > 0 ? d : null;
    this.rng = mulberry32(opts.seed ?? 0x5eed);
    this.ignoreMerges = !!opts.ignoreMerges;
    this.cacheCapacity = opts.cacheCapacity ?? 50_000;
    this.cache = this.cacheCapacity > 0 && this.dropout === null ? new Map() : null;
    let all = true;
    for (let b = 0; b < 256; b++) {
      const id = this.vocab.get(BYTE_TO_CHAR[b]!);
      if (id === undefined) all = false;
      else this.byteIds[b] = id;
    }
    this.byteLevel = all;
    this.rankMode = !!ranks;
    this.mergeList = [];
    if (ranks) {
      this.byteKeys = ranks.keys;
      this.byteKeyToId = ranks.map;
      this.pairs = new PairTable(1 << 16);
      return;
    }
    this.pairs = new PairTable(opts.merges.length + 16);
    const prefixLen = this.continuingSubwordPrefix?.length ?? 0;
    for (let r = 0; r < opts.merges.length; r++) {
      const m = opts.merges[r]!;
      let a: string, b: string;
      if (typeof m === 'string') {
        const sp = m.indexOf(' ');
        if (sp < 0 || m.indexOf(' ', sp + 1) >= 0) fail('INVALID_FIELD', `model.merges[${r}]: expected "left right", got ${describe(m)}`);
        a = m.slice(0, sp); b = m.slice(sp + 1);
      } else if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') {
        [a, b] = m;
      } else fail('INVALID_FIELD', `model.merges[${r}]: expected a pair of strings`);
      const ia = this.vocab.get(a), ib = this.vocab.get(b);
      if (ia === undefined || ib === undefined) fail('INVALID_FIELD', `model.merges[${r}]: ${describe(ia === undefined ? a : b)} is not in model.vocab`);
      const merged = a + (prefixLen && b.startsWith(this.continuingSubwordPrefix!) ? b.slice(prefixLen) : b);
      const im = this.vocab.get(merged);
      if (im === undefined) fail('INVALID_FIELD', `model.merges[${r}]: merged token ${describe(merged)} is not in model.vocab`);
      if (this.pairs.find(ia, ib) < 0) this.pairs.set(ia, ib, r, im);
      this.mergeList.push([a, b]);
    }
  }

  /**
   * A BPE from tiktoken ranks: `ranks[i]` holds the bytes of the token of rank i (as a latin1
   * string, one char per byte). Ids are ranks.
   */
  static fromRanks(keys: string[], opts: { cacheCapacity?: number } = {}): BPE {
    const vocab = new Map<string, number>();
    const map = new Map<string, number>();
    for (let id = 0; id < keys.length; id++) {
      const k = keys[id];
      if (k === undefined) continue;
      map.set(k, id);
      let t = '';
      for (let i = 0; i < k.length; i++) t += BYTE_TO_CHAR[k.charCodeAt(i)]!;
      vocab.set(t, id);
    }
    for (let b = 0; b < 256; b++) {
      if (!map.has(String.fromCharCode(b))) fail('INVALID_VOCAB', `tiktoken ranks: byte 0x${b.toString(16)} has no token`);
    }
    return new BPE({ vocab, merges: [], cacheCapacity: opts.cacheCapacity }, { keys, map });
  }

  tokenToId(t: string): number | undefined { return this.vocab.get(t); }
  idToToken(id: number): string | undefined { return this.idToTok[id]; }
  getVocabSize(): number { return this.vocab.size; }
  getVocab(): Map<string, number> { return this.vocab; }
  clearCache(): void { this.cache?.clear(); }

  /** Pair (a, b): sets this.lastMerged and returns the rank, or INF when they do not merge. */
  private lastMerged = -1;
  private rank(a: number, b: number): number {
    let s = this.pairs.find(a, b);
    if (s < 0) {
      if (!this.byteKeys) return INF;
      const id = this.byteKeyToId!.get(this.byteKeys[a]! + this.byteKeys[b]!);
      this.pairs.set(a, b, id === undefined ? -1 : id, id === undefined ? -1 : id);
      s = this.pairs.find(a, b);
    }
    const r = this.pairs.rankAt(s);
    if (r < 0) return INF;
    this.lastMerged = this.pairs.mergedAt(s);
    return r;
  }

  /** Merge the n symbols in this.syms; returns the new count. */
  private merge(n: number): number {
    if (n < 2) return n;
    if (this.dropout !== null || n > 96) return this.mergeHeap(n);
    const s = this.syms, rk = this.ranks, mid = this.mids, st = this.st, en = this.en;
    for (let i = 0; i < n - 1; i++) { rk[i] = this.rank(s[i]!, s[i + 1]!); mid[i] = this.lastMerged; }
    rk[n - 1] = INF;
    while (n > 1) {
      let best = INF, bi = -1;
      for (let i = 0; i < n - 1; i++) if (rk[i]! < best) { best = rk[i]!; bi = i; }
      if (bi < 0) break;
      s[bi] = mid[bi]!;
      en[bi] = en[bi + 1]!;
      for (let i = bi + 1; i < n - 1; i++) { s[i] = s[i + 1]!; st[i] = st[i + 1]!; en[i] = en[i + 1]!; rk[i] = rk[i + 1]!; mid[i] = mid[i + 1]!; }
      n--;
      rk[n - 1] = INF;
      if (bi > 0) { rk[bi - 1] = this.rank(s[bi - 1]!, s[bi]!); mid[bi - 1] = this.lastMerged; }
      if (bi < n - 1) { rk[bi] = this.rank(s[bi]!, s[bi + 1]!); mid[bi] = this.lastMerged; }
    }
    return n;
  }

  /** O(n log n) merge with a binary heap keyed by (rank, position); also does dropout. */
  private mergeHeap(n: number): number {
    const ids = this.syms.slice(0, n), st = this.st.slice(0, n), en = this.en.slice(0, n);
    const prev = new Int32Array(n), next = new Int32Array(n), alive = new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; }
    const heap: number[] = [];
    const push = (key: number) => {
      let i = heap.length; heap.push(key);
      while (i > 0) { const p = (i - 1) >> 1; if (heap[p]! <= key) break; heap[i] = heap[p]!; i = p; }
      heap[i] = key;
    };
    const pop = (): number => {
      const top = heap[0]!, last = heap.pop()!;
      if (heap.length > 0) {
        let i = 0; const m = heap.length;
        while (true) {
          let c = 2 * i + 1; if (c >= m) break;
          if (c + 1 < m && heap[c + 1]! < heap[c]!) c++;
          if (heap[c]! >= last) break;
          heap[i] = heap[c]!; i = c;
        }
        heap[i] = last;
      }
      return top;
    };
    const P = 2 ** 32;
    const add = (i: number) => { const j = next[i]!; if (j < 0) return; const r = this.rank(ids[i]!, ids[j]!); if (r !== INF) push(r * P + i); };
    for (let i = 0; i < n - 1; i++) add(i);
    const skipped: number[] = [];
    while (heap.length > 0) {
      const key = pop();
      if (this.dropout !== null && this.rng() < this.dropout) { skipped.push(key); continue; }
      for (const k of skipped) push(k);
      skipped.length = 0;
      const i = key % P, r = Math.floor(key / P);
      if (!alive[i]) continue;
      const j = next[i]!;
      if (j < 0 || this.rank(ids[i]!, ids[j]!) !== r) continue;
      ids[i] = this.lastMerged;
      en[i] = en[j]!;
      alive[j] = 0;
      next[i] = next[j]!;
      if (next[j]! >= 0) prev[next[j]!] = i;
      if (prev[i]! >= 0) add(prev[i]!);
      add(i);
    }
    let m = 0;
    for (let i = 0; i >= 0; i = next[i]!) { this.syms[m] = ids[i]!; this.st[m] = st[i]!; this.en[m] = en[i]!; m++; }
    return m;
  }

  private ensure(n: number): void {
    if (this.syms.length >= n) return;
    let c = this.syms.length;
    while (c < n) c *= 2;
    this.syms = new Int32Array(c); this.ranks = new Int32Array(c); this.mids = new Int32Array(c); this.st = new Int32Array(c); this.en = new Int32Array(c);
  }

  /**
   * The merged symbols as a cache entry: one id when a single token covers all `total` units, else
   * [ids..., starts..., ends...].
   */
  private result(key: string, n: number, total: number): number | Int32Array {
    const s = this.syms;
    let r: number | Int32Array;
    if (n === 1 && this.st[0] === 0 && this.en[0] === total) r = s[0]!;
    else {
      r = new Int32Array(3 * n);
      r.set(s.subarray(0, n)); r.set(this.st.subarray(0, n), n); r.set(this.en.subarray(0, n), 2 * n);
    }
    if (this.cache) this.put(key, r);
    return r;
  }
  private put(key: string, v: number | Int32Array): void {
    const c = this.cache!;
    if (c.size >= this.cacheCapacity) c.clear();
    c.set(key, v);
  }

  /** Encode a piece of raw text from its UTF-8 bytes (byte-level models only); `byteEnds` gets each token's end byte. */
  encodeRawPiece(piece: string, out: number[], byteEnds?: number[]): void {
    const r = this.rawPiece(piece);
    if (typeof r === 'number') {
      out.push(r);
      if (byteEnds) { let n = 0; for (let i = 0; i < piece.length; i++) { const c = piece.charCodeAt(i); n += c < 0x80 ? 1 : c < 0x800 ? 2 : (c & 0xfc00) === 0xd800 && (piece.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? (i++, 4) : 3; } byteEnds.push(n); }
      return;
    }
    const n = r.length / 3;
    for (let i = 0; i < n; i++) out.push(r[i]!);
    if (byteEnds) for (let i = 0; i < n; i++) byteEnds.push(r[2 * n + i]!);
  }

  private rawPiece(piece: string): number | Int32Array {
    const cache = this.cache;
    if (cache !== null) {
      const hit = cache.get(piece);
      if (hit !== undefined) return hit;
    }
    if (this.buf.length < piece.length * 3) this.buf = new Uint8Array(piece.length * 3 + 16);
    const bytes = this.buf;
    const n = writeUtf8(piece, bytes);
    if (this.byteKeyToId !== null || this.ignoreMerges) {
      let key = '';
      if (this.byteKeyToId !== null) {
        for (let i = 0; i < n; i++) key += String.fromCharCode(bytes[i]!);
        const id = this.byteKeyToId.get(key);
        if (id !== undefined) { if (cache) this.put(piece, id); return id; }
      } else {
        for (let i = 0; i < n; i++) key += BYTE_TO_CHAR[bytes[i]!]!;
        const id = this.vocab.get(key);
        if (id !== undefined) { if (cache) this.put(piece, id); return id; }
      }
    }
    this.ensure(n);
    const s = this.syms, st = this.st, en = this.en;
    for (let i = 0; i < n; i++) { s[i] = this.byteIds[bytes[i]!]!; st[i] = i; en[i] = i + 1; }
    return this.result(piece, this.merge(n), n);
  }

  /** HF word tokenization (the word's characters are the initial symbols), with values and offsets. */
  tokenize(word: string): Token[] {
    const r = this.word(word);
    if (r === null) return [];
    if (typeof r === 'number') return [{ id: r, value: this.idToTok[r]!, offsets: [0, word.length] }];
    const n = r.length / 3, out: Token[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = { id: r[i]!, value: this.idToTok[r[i]!]!, offsets: [r[n + i]!, r[2 * n + i]!] };
    return out;
  }

  tokenizeIds(word: string, out: number[]): void {
    const r = this.word(word);
    if (r === null) return;
    if (typeof r === 'number') { out.push(r); return; }
    const n = r.length / 3;
    for (let i = 0; i < n; i++) out.push(r[i]!);
  }

  private word(word: string): number | Int32Array | null {
    if (word.length === 0) return null;
    const cache = this.cache;
    if (cache !== null) {
      const hit = cache.get(word);
      if (hit !== undefined) return hit;
    }
    if (this.ignoreMerges || this.rankMode) {
      const id = this.vocab.get(word);
      if (id !== undefined) { if (cache) this.put(word, id); return id; }
    }
    const prefix = this.continuingSubwordPrefix, suffix = this.endOfWordSuffix;
    this.ensure(word.length * 4 + 4);
    const s = this.syms, st = this.st, en = this.en;
    let n = 0, lastUnk = false;
    for (let i = 0; i < word.length; ) {
      const c = word.codePointAt(i)!;
      const w = c > 0xffff ? 2 : 1;
      let tok = word.slice(i, i + w);
      const first = i === 0, a = i;
      i += w;
      if (prefix && !first) tok = prefix + tok;
      if (suffix && i >= word.length) tok += suffix;
      const id = this.vocab.get(tok);
      if (id !== undefined) { s[n] = id; st[n] = a; en[n++] = i; lastUnk = false; continue; }
      if (this.byteFallback) {
        const bytes = new TextEncoder().encode(String.fromCodePoint(c));
        const bids: number[] = [];
        for (const b of bytes) {
          const bid = this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
          if (bid === undefined) break;
          bids.push(bid);
        }
        // each byte token covers the char its byte belongs to (HF maps byte offsets back to chars)
        if (bids.length === bytes.length) { for (const b of bids) { s[n] = b; st[n] = a; en[n++] = i; } lastUnk = false; continue; }
      }
      if (this.unkId >= 0) {
        if (this.fuseUnk && lastUnk) en[n - 1] = i; // a fused unk covers every char it replaces
        else { s[n] = this.unkId; st[n] = a; en[n++] = i; }
        lastUnk = true;
      }
    }
    if (n === 0) return null;
    return this.result(word, this.merge(n), word.length);
  }

  /** Merges in priority order (derived from the ranks for tiktoken models). */
  getMerges(): Array<[string, string]> {
    if (!this.rankMode) return this.mergeList;
    // tiktoken: every split of a token into two tokens, ordered by the rank of the result
    const out: Array<[number, number, number]> = [];
    const keys = this.byteKeys!, map = this.byteKeyToId!;
    for (let id = 0; id < keys.length; id++) {
      const k = keys[id];
      if (k === undefined || k.length < 2) continue;
      for (let i = 1; i < k.length; i++) {
        const a = map.get(k.slice(0, i)), b = map.get(k.slice(i));
        if (a !== undefined && b !== undefined && a < id && b < id) out.push([id, a, b]);
      }
    }
    out.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
    return out.map(([, a, b]) => [this.idToTok[a]!, this.idToTok[b]!]);
  }

  toJSON(): Record<string, unknown> {
    const vocab: Record<string, number> = {};
    for (const [t, id] of [...this.vocab].sort((a, b) => a[1] - b[1])) vocab[t] = id;
    return {
      type: 'BPE',
      dropout: this.dropout,
      unk_token: this.unkToken,
      continuing_subword_prefix: this.continuingSubwordPrefix,
      end_of_word_suffix: this.endOfWordSuffix,
      fuse_unk: this.fuseUnk,
      byte_fallback: this.byteFallback,
      ignore_merges: this.ignoreMerges || this.rankMode,
      vocab,
      merges: this.getMerges(),
    };
  }
}

export { CHAR_TO_BYTE };
