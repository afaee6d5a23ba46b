// The encoding pipeline of one text: added tokens, normalizer, pre-tokenizer, model (HF order).
// Added tokens are matched in the raw text first (and, for `normalized` ones, in the normalized text).
import type { Model } from './models/model.js';
import { BPE } from './models/bpe.js';
import type { Normalizer } from './normalizers.js';
import { ByteLevel, PreTokenizerSequence, Split, type PreTokenizer } from './pre-tokenizers.js';
import { identity, normalizeAligned, preTokenizeAligned, rangeOf, sliceAligned, type Aligned } from './align.js';
import { AddedTokenMatcher, type AddedToken } from './added-tokens.js';
import type { Scanner } from './scanners.js';
import { scanGpt2 } from './scanners.js';
import { byteOffsets, pushModelTokens } from './offsets.js';

/** Tokens of a text: parallel arrays; `offs` holds [start, end) pairs flat, in UTF-16 units of the text. */
export interface Tokens { ids: number[]; values: string[]; offs: number[] }

export class Pipeline {
  private rawMatcher = new AddedTokenMatcher([]);
  private normMatcher = new AddedTokenMatcher([]);
  /** Byte-level fast path: split raw text with this scanner and encode pieces from their bytes. */
  private fast: { scan: Scanner; prefixSpace: boolean; bpe: BPE } | null = null;

  constructor(readonly model: Model, readonly normalizer: Normalizer | null, readonly preTokenizer: PreTokenizer | null) {
    this.detectFastPath();
  }

  /** The added tokens to match (those with `matched: false` are only decoded). */
  setAddedTokens(tokens: AddedToken[]): void {
    const matchable = tokens.filter((t) => t.matched !== false);
    this.rawMatcher = new AddedTokenMatcher(matchable.filter((t) => !(t.normalized && this.normalizer)));
    this.normMatcher = new AddedTokenMatcher(matchable.filter((t) => t.normalized && this.normalizer));
  }

  private detectFastPath(): void {
    const m = this.model;
    if (!(m instanceof BPE) || !m.byteLevel || m.dropout !== null || m.continuingSubwordPrefix || m.endOfWordSuffix || this.normalizer) return;
    const p = this.preTokenizer;
    if (p instanceof ByteLevel && p.useRegex) this.fast = { scan: scanGpt2, prefixSpace: p.addPrefixSpace, bpe: m };
    else if (p instanceof PreTokenizerSequence && p.pretokenizers.length === 2) {
      const [a, b] = p.pretokenizers;
      if (a instanceof Split && a.scanner && b instanceof ByteLevel && !b.useRegex && !b.addPrefixSpace) this.fast = { scan: a.scanner, prefixSpace: false, bpe: m };
    }
  }

  /** Ids only (the fastest path: no alignment kept). */
  ids(text: string, ids: number[]): void {
    for (const seg of this.rawMatcher.split(text)) {
      if (seg.id >= 0) { ids.push(seg.id); continue; }
      if (this.fast) { this.encodeFast(text, seg.start, seg.end, ids, null, null); continue; }
      const raw = seg.start === 0 && seg.end === text.length ? text : text.slice(seg.start, seg.end);
      const norm = this.normalizer ? this.normalizer.normalize(raw) : raw;
      const sub = this.normMatcher.empty ? [{ start: 0, end: norm.length, id: -1 }] : this.normMatcher.split(norm);
      for (const s of sub) {
        if (s.id >= 0) { ids.push(s.id); continue; }
        const part = s.start === 0 && s.end === norm.length ? norm : norm.slice(s.start, s.end);
        const strs: string[] = [], starts: number[] = [];
        if (this.preTokenizer) this.preTokenizer.preTokenize(part, seg.start + s.start, strs, starts);
        else strs.push(part);
        for (const w of strs) this.model.tokenizeIds(w, ids);
      }
    }
  }

  /**
   * Ids, values and exact offsets: every unit of the normalized / pre-tokenized text keeps its
   * original range, and the model's token offsets are mapped through it (HF NormalizedString).
   * `added` gets the content of the added tokens found in the text.
   */
  tokens(text: string, out: Tokens, added: (id: number) => string): void {
    const { ids, values, offs } = out;
    for (const seg of this.rawMatcher.split(text)) {
      if (seg.id >= 0) { ids.push(seg.id); values.push(added(seg.id)); offs.push(seg.start, seg.end); continue; }
      if (this.fast) { this.encodeFast(text, seg.start, seg.end, ids, values, offs); continue; }
      let x = identity(seg.start === 0 && seg.end === text.length ? text : text.slice(seg.start, seg.end), seg.start);
      if (this.normalizer) x = normalizeAligned(x, this.normalizer);
      const sub = this.normMatcher.empty ? [{ start: 0, end: x.s.length, id: -1 }] : this.normMatcher.split(x.s);
      for (const s of sub) {
        if (s.id >= 0) { ids.push(s.id); values.push(added(s.id)); offs.push(...rangeOf(x, s.start, s.end)); continue; }
        const part = s.start === 0 && s.end === x.s.length ? x : sliceAligned(x, s.start, s.end);
        const pieces: Aligned[] = [], bases: number[] = [];
        if (this.preTokenizer) preTokenizeAligned(this.preTokenizer, part, seg.start + s.start, pieces, bases, seg.start);
        else pieces.push(part);
        for (const piece of pieces) pushModelTokens(piece, this.model.tokenize(piece.s), out);
      }
    }
  }

  private encodeFast(text: string, a: number, b: number, ids: number[], values: string[] | null, offs: number[] | null): void {
    const f = this.fast!;
    let s = text, start = a, end = b, shift = 0;
    if (f.prefixSpace && text.charCodeAt(a) !== 32) { s = ' ' + text.slice(a, b); start = 0; end = s.length; shift = 1; }
    const ends: number[] = [];
    f.scan(s, start, end, ends);
    const bpe = f.bpe;
    const byteEnds: number[] = [];
    let p = start;
    for (let k = 0; k < ends.length; k++) {
      const e = ends[k]!;
      const n0 = ids.length;
      if (!offs) { bpe.encodeRawPiece(s.slice(p, e), ids); p = e; continue; }
      byteEnds.length = 0;
      bpe.encodeRawPiece(s.slice(p, e), ids, byteEnds);
      for (let i = n0; i < ids.length; i++) values!.push(bpe.idToToken(ids[i]!)!);
      byteOffsets(s, p, byteEnds, offs, shift ? a : -1);
      p = e;
    }
  }
}
