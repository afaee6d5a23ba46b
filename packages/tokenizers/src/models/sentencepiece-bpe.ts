// SentencePiece BPE (.model type 2), as bpe_model.cc encodes: start from characters (user-defined
// symbols whole and frozen), repeatedly merge the adjacent pair whose concatenation is a piece of
// the highest score (leftmost on ties), split UNUSED results back into the pair that formed them,
// then map unknown pieces to bytes (byte fallback) or one unk per run, as the processor does.
import { describe, fail } from '../errors.js';
import { badArg } from '../args.js';
import { spanTokens, type Model, type Token } from './model.js';
import { PairTable } from './pair-table.js';

/** SentencePiece piece types (ModelProto.SentencePiece.Type). */
export const enum SpType { NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6 }

export interface SentencePieceBPEOptions {
  pieces: Array<{ piece: string; score: number; type: number }>;
  byteFallback?: boolean;
}

const te = new TextEncoder();
/** Ids of a word with the [start, end) of each token in it. */
type Ids = { ids: number[]; starts: number[]; ends: number[] };

export class SentencePieceBPE implements Model {
  readonly type = 'BPE' as const;
  readonly pieces: string[];
  readonly unkId: number;
  readonly byteFallback: boolean;
  private readonly scores: Float64Array;
  private readonly types: Uint8Array;
  /** NORMAL / USER_DEFINED / UNUSED pieces: what merges may form (SentencePiece `pieces_`). */
  private readonly normal = new Map<string, number>();
  /** UNKNOWN / CONTROL / BYTE pieces (`reserved_id_map_`), looked up first. */
  private readonly reserved = new Map<string, number>();
  /** User-defined symbols by first UTF-16 unit, longest first. */
  private readonly user = new Map<number, string[]>();
  private readonly byteIds = new Int32Array(256).fill(-1);
  private cache = new Map<string, Ids>();
  /** (left id, right id) -> id of their concatenation in `normal`, or -1. */
  private pairs = new PairTable(1 << 16);

  constructor(o: SentencePieceBPEOptions) {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) badArg('SentencePieceBPE', 'opts', 'an options object with pieces', o);
    if (Array.isArray(o.pieces)) o.pieces.forEach((p, i) => { if (typeof p !== 'object' || p === null) badArg('SentencePieceBPE', `opts.pieces[${i}]`, '{piece, score, type}', p); });
    if (!Array.isArray(o.pieces) || o.pieces.length === 0) fail('INVALID_FIELD', 'SentencePiece BPE: pieces must be a non-empty array');
    const n = o.pieces.length;
    this.pieces = new Array(n);
    this.scores = new Float64Array(n);
    this.types = new Uint8Array(n);
    let unk = -1;
    o.pieces.forEach((p, i) => {
      if (typeof p.piece !== 'string' || p.piece.length === 0) fail('INVALID_MODEL_FILE', `SentencePiece model: pieces[${i}] is empty`);
      if (!Number.isFinite(p.score)) fail('INVALID_MODEL_FILE', `SentencePiece model: pieces[${i}].score is not finite, got ${describe(p.score)}`);
      if (!(p.type >= SpType.NORMAL && p.type <= SpType.BYTE)) fail('INVALID_MODEL_FILE', `SentencePiece model: pieces[${i}] has unknown type ${describe(p.type)}`);
      this.pieces[i] = p.piece; this.scores[i] = p.score; this.types[i] = p.type;
      const isNormal = p.type === SpType.NORMAL || p.type === SpType.USER_DEFINED || p.type === SpType.UNUSED;
      const map = isNormal ? this.normal : this.reserved;
      if (map.has(p.piece)) fail('INVALID_MODEL_FILE', `SentencePiece model: piece ${describe(p.piece)} is defined twice (pieces[${map.get(p.piece)}] and pieces[${i}])`);
      map.set(p.piece, i);
      if (p.type === SpType.UNKNOWN) {
        if (unk >= 0) fail('INVALID_MODEL_FILE', `SentencePiece model: pieces[${unk}] and pieces[${i}] are both UNKNOWN`);
        unk = i;
      }
      if (p.type === SpType.BYTE && !o.byteFallback) fail('INVALID_MODEL_FILE', `SentencePiece model: BYTE piece ${describe(p.piece)} but byte_fallback is off`);
      if (p.type === SpType.USER_DEFINED) {
        const list = this.user.get(p.piece.charCodeAt(0)) ?? [];
        list.push(p.piece);
        list.sort((a, b) => b.length - a.length);
        this.user.set(p.piece.charCodeAt(0), list);
      }
    });
    if (unk < 0) fail('INVALID_MODEL_FILE', 'SentencePiece model: no UNKNOWN piece (unk is not defined)');
    this.unkId = unk;
    this.byteFallback = !!o.byteFallback;
    if (this.byteFallback) {
      for (let b = 0; b < 256; b++) {
        const id = this.reserved.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
        if (id === undefined || this.types[id] !== SpType.BYTE) fail('INVALID_MODEL_FILE', `SentencePiece model: byte_fallback is set but there is no BYTE piece for 0x${b.toString(16).toUpperCase().padStart(2, '0')}`);
        this.byteIds[b] = id;
      }
    }
  }

  tokenToId(t: string): number | undefined { return this.reserved.get(t) ?? this.normal.get(t); }
  idToToken(id: number): string | undefined { return this.pieces[id]; }
  getVocabSize(): number { return this.pieces.length; }
  getVocab(): Map<string, number> { return new Map([...this.normal, ...this.reserved]); }

  /** SentencePiece PieceToId: reserved pieces first, then normal ones, else unk. */
  private idOf(w: string): number { return this.reserved.get(w) ?? this.normal.get(w) ?? this.unkId; }

  /** Length of the user-defined symbol starting at i, or 0. */
  private userAt(s: string, i: number): number {
    const cands = this.user.size ? this.user.get(s.charCodeAt(i)) : undefined;
    if (cands) for (const u of cands) if (s.startsWith(u, i)) return u.length;
    return 0;
  }

  /** Tokens of normalized text `s`; an unk's value is the text it covers, as the processor reports it. */
  tokenize(s: string): Token[] {
    return spanTokens(s, this.cached(s), this.unkId, this.pieces);
  }

  tokenizeIds(s: string, out: number[]): void {
    for (const id of this.cached(s).ids) out.push(id);
  }

  private cached(s: string): Ids {
    if (s.length === 0) return { ids: [], starts: [], ends: [] };
    const cacheable = s.length < 256;
    let res = cacheable ? this.cache.get(s) : undefined;
    if (res === undefined) {
      res = this.encode(s);
      if (cacheable) { if (this.cache.size >= 50_000) this.cache.clear(); this.cache.set(s, res); }
    }
    return res;
  }

  /** Id in `normal` of the concatenation of two pieces (memoized), or -1. */
  private merged(a: number, b: number): number {
    const slot = this.pairs.find(a, b);
    if (slot >= 0) return this.pairs.mergedAt(slot);
    const id = this.normal.get(this.pieces[a]! + this.pieces[b]!) ?? -1;
    if (this.pairs.size > 1 << 22) this.pairs = new PairTable(1 << 16);
    this.pairs.set(a, b, 0, id);
    return id;
  }

  private encode(s: string): Ids {
    // symbols: [start, start + len) of s, linked both ways, with their id in `normal` (-1: none);
    // frozen ones (user-defined symbols) never merge
    const starts: number[] = [], lens: number[] = [], ids: number[] = [], frozen: boolean[] = [];
    for (let i = 0; i < s.length; ) {
      let l = this.userAt(s, i);
      frozen.push(l > 0);
      if (l === 0) { const c = s.charCodeAt(i); l = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1; }
      starts.push(i); lens.push(l); ids.push(this.normal.get(s.substr(i, l)) ?? -1);
      i += l;
    }
    const m = starts.length;
    const prev = new Int32Array(m), next = new Int32Array(m);
    for (let i = 0; i < m; i++) { prev[i] = i - 1; next[i] = i + 1 < m ? i + 1 : -1; }
    const heap = new PairHeap();
    const rev = new Map<string, [string, string]>();
    const add = (l: number, r: number) => {
      if (l < 0 || r < 0 || frozen[l] || frozen[r]) return;
      const size = lens[l]! + lens[r]!;
      const id = ids[l]! >= 0 && ids[r]! >= 0 ? this.merged(ids[l]!, ids[r]!) : this.normal.get(s.substr(starts[l]!, size)) ?? -1;
      if (id < 0) return;
      heap.push(this.scores[id]!, l, r, size, id);
      // the split an UNUSED piece goes back to: the latest pair seen, as SentencePiece records it
      if (this.types[id] === SpType.UNUSED) rev.set(this.pieces[id]!, [s.substr(starts[l]!, lens[l]!), s.substr(starts[r]!, lens[r]!)]);
    };
    for (let i = 1; i < m; i++) add(i - 1, i);
    while (heap.size > 0) {
      const e = heap.pop();
      const l = heap.left[e]!, r = heap.right[e]!, size = heap.sz[e]!, id = heap.id[e]!;
      if (lens[l] === 0 || lens[r] === 0 || lens[l]! + lens[r]! !== size) continue; // stale
      lens[l] = size; lens[r] = 0; ids[l] = id;
      next[l] = next[r]!;
      if (next[r]! >= 0) prev[next[r]!] = l;
      add(prev[l]!, l);
      add(l, next[l]!);
    }
    const res: Ids = { ids: [], starts: [], ends: [] };
    const push = (id: number, a: number, b: number) => { res.ids.push(id); res.starts.push(a); res.ends.push(b); };
    let prevUnk = false;
    // w is s[at, at + w.length)
    const emit = (w: string, at: number) => {
      const id = this.idOf(w);
      if (this.types[id] === SpType.UNUSED) {
        const p = rev.get(w);
        if (p) { emit(p[0], at); emit(p[1], at + p[0].length); return; }
      }
      if (id === this.unkId && this.byteFallback) {
        for (const b of te.encode(w)) push(this.byteIds[b]!, at, at + w.length);
      } else if (id === this.unkId) {
        // consecutive unknown pieces become one unk, as the processor merges them
        if (prevUnk) res.ends[res.ends.length - 1] = at + w.length;
        else push(id, at, at + w.length);
      } else push(id, at, at + w.length);
      prevUnk = id === this.unkId;
    };
    for (let i = 0; i >= 0; i = next[i]!) emit(s.substr(starts[i]!, lens[i]!), starts[i]!);
    return res;
  }

  toJSON(): Record<string, unknown> {
    fail('UNSUPPORTED', 'a SentencePiece BPE model cannot be saved as tokenizer.json yet');
  }
}

/** Max-heap of candidate merges: higher score first, then the smaller left index. */
class PairHeap {
  // entries (append only) and a heap of entry indices
  score = new Float64Array(256);
  left = new Int32Array(256);
  right = new Int32Array(256);
  sz = new Int32Array(256);
  id = new Int32Array(256);
  private heap = new Int32Array(256);
  private entries = 0;
  size = 0;
  private before(e: number, f: number): boolean {
    const a = this.score[e]!, b = this.score[f]!;
    return a > b || (a === b && this.left[e]! < this.left[f]!);
  }
  push(score: number, l: number, r: number, size: number, id: number): void {
    if (this.entries === this.score.length) {
      const g = <T extends Float64Array | Int32Array>(a: T): T => { const b = new (a.constructor as new (n: number) => T)(a.length * 2); b.set(a); return b; };
      this.score = g(this.score); this.left = g(this.left); this.right = g(this.right); this.sz = g(this.sz); this.id = g(this.id); this.heap = g(this.heap);
    }
    const e = this.entries++;
    this.score[e] = score; this.left[e] = l; this.right[e] = r; this.sz[e] = size; this.id[e] = id;
    const h = this.heap;
    let i = this.size++;
    while (i > 0) { const p = (i - 1) >> 1; if (!this.before(e, h[p]!)) break; h[i] = h[p]!; i = p; }
    h[i] = e;
  }
  /** Remove the best entry and return its index (read it from the public arrays). */
  pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const n = --this.size;
    if (n > 0) {
      const e = h[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && this.before(h[c + 1]!, h[c]!)) c++;
        if (!this.before(h[c]!, e)) break;
        h[i] = h[c]!; i = c;
      }
      h[i] = e;
    }
    return top;
  }
}
