// Unigram language model (SentencePiece / T5): Viterbi over piece log-probabilities.
import { describe, fail } from '../errors.js';
import { badArg } from '../args.js';
import { PairTable } from './pair-table.js';
import { serdeF64 } from '../serde-float.js';
import { spanTokens, type Model, type Token } from './model.js';

export interface UnigramOptions {
  /** [piece, score] in id order. */
  vocab: Array<[string, number]>;
  unkId?: number | null;
  byteFallback?: boolean;
  /** Ids never produced by the Viterbi search (SentencePiece UNUSED / CONTROL / BYTE pieces). */
  excluded?: Iterable<number>;
  /** Ids of user-defined pieces (scored as SentencePiece does: length * max score - 0.1). */
  userDefined?: Iterable<number>;
  /** Accumulate path scores in float32 as SentencePiece does (HF uses float64). */
  float32?: boolean;
  /**
   * 'huggingface' (default): every piece, unk included, can match text; a repeated piece means its
   * last id; runs of unk nodes are fused, then looked up again (vocab, bytes, unk).
   * 'sentencepiece': the unk piece never matches; the first id of a piece wins; unknown nodes become
   * bytes or unk one by one, as the C++ processor does.
   */
  semantics?: 'huggingface' | 'sentencepiece';
  /**
   * Score paths with the values HF's serde_json reads from these scores written as tokenizer.json
   * (set by the tokenizer.json loader; toJSON still writes the given scores).
   */
  serdeScores?: boolean;
  cacheCapacity?: number;
}

const K_UNK_PENALTY = 10;
const te = new TextEncoder();
/** Ids of a word with the [start, end) of each token in it. */
type Ids = { ids: number[]; starts: number[]; ends: number[] };
const FLT_MIN = 1.1754943508222875e-38;

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : c >= 0xdc00 && c <= 0xdfff ? 0 : 3;
  }
  return n;
}

export class Unigram implements Model {
  readonly type = 'Unigram' as const;
  readonly pieces: string[];
  /** Scores used by the Viterbi search. */
  readonly scores: Float64Array;
  /** Scores as given (what toJSON writes). */
  private readonly given: Float64Array;
  readonly vocab = new Map<string, number>();
  readonly unkId: number | null;
  readonly byteFallback: boolean;
  readonly float32: boolean;
  readonly semantics: 'huggingface' | 'sentencepiece';
  private readonly unkScore: number;
  private readonly trie = new PairTable(1 << 16);
  private nodeId: Int32Array;
  private nodes = 1;
  private readonly byteIds = new Int32Array(256).fill(-1);
  private cache = new Map<string, Ids>();
  private readonly cacheCapacity: number;
  private readonly excluded: Set<number>;
  /** 1 for user-defined pieces (SentencePiece USER_DEFINED). */
  readonly userDefined: Uint8Array;

  constructor(o: UnigramOptions) {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) badArg('Unigram', 'opts', 'an options object with vocab', o);
    if (o.cacheCapacity !== undefined && !(Number.isInteger(o.cacheCapacity) && o.cacheCapacity >= 0)) badArg('Unigram', 'opts.cacheCapacity', 'a non-negative integer', o.cacheCapacity);
    if (!Array.isArray(o.vocab) || o.vocab.length === 0) fail('INVALID_FIELD', 'model.vocab must be a non-empty array of [piece, score]');
    this.pieces = new Array(o.vocab.length);
    this.scores = new Float64Array(o.vocab.length);
    this.given = new Float64Array(o.vocab.length);
    const serde = !!o.serdeScores;
    this.float32 = !!o.float32;
    this.semantics = o.semantics ?? 'huggingface';
    if (this.semantics !== 'huggingface' && this.semantics !== 'sentencepiece') fail('INVALID_ARGUMENT', `Unigram semantics must be 'huggingface' or 'sentencepiece', got ${describe(o.semantics)}`);
    const hf = this.semantics === 'huggingface';
    this.excluded = new Set(o.excluded ?? []);
    const user = new Set(o.userDefined ?? []);
    let min = Infinity, max = -Infinity;
    o.vocab.forEach((e, i) => {
      if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'number' || !Number.isFinite(e[1])) {
        fail('INVALID_FIELD', `model.vocab[${i}] must be [string, finite number]`);
      }
      this.pieces[i] = e[0];
      this.given[i] = e[1];
      const v = serde ? serdeF64(e[1]) : e[1];
      this.scores[i] = this.float32 ? Math.fround(v) : v;
      if (hf || !this.vocab.has(e[0])) this.vocab.set(e[0], i);
      if (!this.excluded.has(i) && !user.has(i)) { if (v < min) min = v; if (v > max) max = v; }
    });
    if (min === Infinity) min = 0;
    // SentencePiece starts max_score_ at FLT_MIN and resets it to 0 when nothing exceeds it
    if (!(max > FLT_MIN)) max = 0;
    this.userDefined = new Uint8Array(this.pieces.length);
    for (const u of user) {
      if (!(u >= 0 && u < this.pieces.length)) continue;
      this.userDefined[u] = 1;
      // SentencePiece (optimized encoder): utf-8 length * max_score_ (float) - 0.1 (double)
      this.scores[u] = this.float32 ? Math.fround(utf8Length(this.pieces[u]!) * Math.fround(max)) - 0.1 : this.pieces[u]!.length * max - 0.1;
    }
    const unk = o.unkId ?? null;
    if (unk !== null && (!Number.isInteger(unk) || unk < 0 || unk >= o.vocab.length)) fail('INVALID_FIELD', `model.unk_id ${describe(unk)} is out of range (vocab has ${o.vocab.length} pieces)`);
    this.unkId = unk;
    this.unkScore = this.float32 ? Math.fround(min - K_UNK_PENALTY) : min - K_UNK_PENALTY;
    this.byteFallback = !!o.byteFallback;
    this.cacheCapacity = o.cacheCapacity ?? 50_000;
    this.nodeId = new Int32Array(1 << 16).fill(-1);
    for (let i = 0; i < this.pieces.length; i++) {
      if ((i === unk && !hf) || this.excluded.has(i)) continue;
      const p = this.pieces[i]!;
      if (p.length === 0) continue;
      let node = 0;
      for (let k = 0; k < p.length; k++) {
        const c = p.charCodeAt(k);
        const s = this.trie.find(node, c);
        if (s >= 0) node = this.trie.mergedAt(s);
        else {
          const nn = this.nodes++;
          if (nn >= this.nodeId.length) { const g = new Int32Array(this.nodeId.length * 2).fill(-1); g.set(this.nodeId); this.nodeId = g; }
          this.trie.set(node, c, 0, nn);
          node = nn;
        }
      }
      if (hf || this.nodeId[node] === -1) this.nodeId[node] = i;
    }
    if (this.byteFallback) {
      for (let b = 0; b < 256; b++) {
        const id = this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
        if (id !== undefined) this.byteIds[b] = id;
      }
    }
  }

  tokenToId(t: string) { return this.vocab.get(t); }
  idToToken(id: number) { return this.pieces[id]; }
  getVocabSize() { return this.pieces.length; }
  getVocab() { return this.vocab; }

  private bestScore = new Float64Array(256);
  private bestStart = new Int32Array(256);
  private bestId = new Int32Array(256);

  /**
   * Tokens of `s`: an unknown token's value is the text it covers (consecutive unknowns fused, as
   * HF reports them); byte-fallback tokens cover the run they spell, as in HF.
   */
  tokenize(s: string): Token[] {
    const r = this.encode(s);
    return r === null ? [] : spanTokens(s, r, this.unkId, this.pieces);
  }

  tokenizeIds(s: string, out: number[]): void {
    const r = this.encode(s);
    if (r !== null) for (const id of r.ids) out.push(id);
  }

  private encode(s: string): Ids | null {
    const n = s.length;
    if (n === 0) return null;
    const cacheable = n < 256;
    if (cacheable) {
      const hit = this.cache.get(s);
      if (hit !== undefined) return hit;
    }
    if (this.bestScore.length < n + 1) {
      this.bestScore = new Float64Array(n + 1); this.bestStart = new Int32Array(n + 1); this.bestId = new Int32Array(n + 1);
    }
    const score = this.bestScore, start = this.bestStart, bid = this.bestId;
    start.fill(-1, 0, n + 1);
    score[0] = 0; start[0] = 0;
    const f32 = this.float32;
    const trie = this.trie, nodeId = this.nodeId, scores = this.scores;
    for (let pos = 0; pos < n; ) {
      const c0 = s.charCodeAt(pos);
      const w = c0 >= 0xd800 && c0 <= 0xdbff && pos + 1 < n && (s.charCodeAt(pos + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
      if (start[pos] === -1) { pos += w; continue; }
      const base = score[pos]!;
      let hasSingle = false;
      let node = 0;
      for (let k = pos; k < n; k++) {
        const sl = trie.find(node, s.charCodeAt(k));
        if (sl < 0) break;
        node = trie.mergedAt(sl);
        const id = nodeId[node]!;
        if (id < 0) continue;
        const end = k + 1;
        if (end - pos === w) hasSingle = true;
        // Strictly greater: among equal scores the node found first (earliest start, then
        // shortest piece) wins, as in SentencePiece and HF. SentencePiece adds in double (the
        // piece score is a double there) and stores the path score as float.
        const cand = base + scores[id]!;
        if (start[end] === -1 || cand > score[end]!) { score[end] = f32 ? Math.fround(cand) : cand; start[end] = pos; bid[end] = id; }
      }
      if (!hasSingle) {
        const end = pos + w;
        const cand = f32 ? Math.fround(base + this.unkScore) : base + this.unkScore;
        if (start[end] === -1 || cand > score[end]!) {
          if (this.unkId === null && this.semantics === 'huggingface') fail('INVALID_ARGUMENT', `Unigram: ${describe(s.slice(pos, end))} has no piece and the model has no unk_id`);
          score[end] = cand; start[end] = pos; bid[end] = -1;
        }
      }
      pos += w;
    }
    // backtrack
    const ids: number[] = [];
    const ends: number[] = [];
    for (let e = n; e > 0; e = start[e]!) { ids.push(bid[e]!); ends.push(e); }
    ids.reverse(); ends.reverse();
    const res: Ids = { ids: [], starts: [], ends: [] };
    if (this.semantics === 'huggingface') this.resolveHf(s, ids, ends, res);
    else this.resolveSp(s, ids, ends, res);
    if (cacheable) {
      if (this.cache.size >= this.cacheCapacity) this.cache.clear();
      this.cache.set(s, res);
    }
    return res;
  }

  /** HF: nodes of the unk id (unknown chars or the unk piece itself) fuse, then the text is looked up again. */
  private resolveHf(s: string, ids: number[], ends: number[], res: Ids): void {
    let a = 0, run = -1;
    const push = (id: number, x: number, y: number) => { res.ids.push(id); res.starts.push(x); res.ends.push(y); };
    const flush = (e: number) => {
      if (run < 0) return;
      const r0 = run, text = s.slice(run, e);
      run = -1;
      const id = this.vocab.get(text);
      if (id === undefined && this.byteFallback) {
        const bytes = te.encode(text);
        if (bytes.every((b) => this.byteIds[b] !== -1)) { for (const b of bytes) push(this.byteIds[b]!, r0, e); return; }
      }
      push(id ?? this.unkId!, r0, e);
    };
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (id === -1 || id === this.unkId) { if (run < 0) run = a; } else { flush(a); push(id, a, ends[k]!); }
      a = ends[k]!;
    }
    flush(a);
  }

  /** SentencePiece: each unknown node becomes its bytes or unk; consecutive unks fuse. */
  private resolveSp(s: string, ids: number[], ends: number[], res: Ids): void {
    let prevUnk = false, a = 0;
    const push = (id: number, x: number, y: number) => { res.ids.push(id); res.starts.push(x); res.ends.push(y); };
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const e = ends[k]!;
      if (id === -1) {
        if (this.byteFallback && this.byteIds[0] !== -1) {
          const bytes = te.encode(s.slice(a, e));
          let ok = true;
          for (const b of bytes) if (this.byteIds[b] === -1) ok = false;
          if (ok) { for (const b of bytes) push(this.byteIds[b]!, a, e); prevUnk = false; a = e; continue; }
        }
        if (this.unkId === null) fail('INVALID_ARGUMENT', `Unigram: ${describe(s.slice(a, e).slice(0, 20))} has no piece and the model has no unk_id`);
        if (!prevUnk) push(this.unkId, a, e); else res.ends[res.ends.length - 1] = e;
        prevUnk = true;
      } else { push(id, a, e); prevUnk = false; }
      a = e;
    }
  }

  toJSON(): Record<string, unknown> {
    return { type: 'Unigram', unk_id: this.unkId, vocab: this.pieces.map((p, i) => [p, this.given[i]]), byte_fallback: this.byteFallback };
  }
}
