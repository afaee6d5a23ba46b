import { readFileSync } from 'node:fs';
import { TokenizerError } from './errors.js';
import type { Encoding } from './encoding.js';
import type { Model } from './models/model.js';
import { BPE } from './models/bpe.js';
import { Unigram } from './models/unigram.js';
import { SentencePieceBPE } from './models/sentencepiece-bpe.js';
import type { Normalizer } from './normalizers.js';
import { ByteLevel, PreTokenizerSequence, Split, type PreTokenizer } from './pre-tokenizers.js';
import { postProcess, type PostProcessor, type RawEncoding } from './post-processors.js';
import { checkTruncation, truncate, type TruncationOptions } from './truncation.js';
import { identity, normalizeAligned, preTokenizeAligned, rangeOf, sliceAligned, utf8LenOfCp, type Aligned } from './align.js';
import type { Decoder } from './decoders.js';
import { AddedTokenMatcher, type AddedToken } from './added-tokens.js';
import { scanGpt2, type Scanner } from './scanners.js';
import { utf8LenAt } from './unicode.js';
import { writeFileAtomic } from './fs.js';
import { tokenizerFromJSON } from './loaders/json.js';
import { tokenizerFromTiktoken } from './loaders/tiktoken.js';
import { tokenizerFromSentencePiece } from './loaders/sentencepiece.js';
import { fromBytes } from './loaders/detect.js';
import { tokenizerFromBertVocab, tokenizerFromGpt2 } from './loaders/vocab.js';

export interface EncodeOptions { addSpecialTokens?: boolean }
export type { TruncationOptions };
export interface PaddingOptions {
  /** 'longest' pads to the longest in the batch; a number pads to that fixed length. */
  length?: 'longest' | number;
  direction?: 'right' | 'left';
  padId?: number;
  padToken?: string;
  padTypeId?: number;
  padToMultipleOf?: number;
}
export type BatchInput = string | [string, string];

export interface TokenizerParts {
  model: Model;
  normalizer?: Normalizer | null;
  preTokenizer?: PreTokenizer | null;
  postProcessor?: PostProcessor | null;
  decoder?: Decoder | null;
  addedTokens?: AddedToken[];
  truncation?: TruncationOptions | null;
  padding?: PaddingOptions | null;
}

export class Tokenizer {
  readonly model: Model;
  readonly normalizer: Normalizer | null;
  readonly preTokenizer: PreTokenizer | null;
  readonly postProcessor: PostProcessor | null;
  readonly decoder: Decoder | null;
  readonly addedTokens: AddedToken[];
  truncation: TruncationOptions | null;
  padding: PaddingOptions | null;
  private rawMatcher!: AddedTokenMatcher;
  private normMatcher!: AddedTokenMatcher;
  private addedById = new Map<number, AddedToken>();
  private addedByContent = new Map<string, AddedToken>();
  /** Byte-level fast path: split raw text with this scanner and encode pieces from their bytes. */
  private fast: { scan: Scanner; prefixSpace: boolean; bpe: BPE } | null = null;

  constructor(p: TokenizerParts) {
    this.model = p.model;
    this.normalizer = p.normalizer ?? null;
    this.preTokenizer = p.preTokenizer ?? null;
    this.postProcessor = p.postProcessor ?? null;
    this.decoder = p.decoder ?? null;
    this.addedTokens = [];
    this.truncation = p.truncation ?? null;
    if (this.truncation) checkTruncation(this.truncation);
    this.padding = p.padding ?? null;
    this.addTokens(p.addedTokens ?? []);
    this.detectFastPath();
  }

  /** Add tokens (special or not); ids must be given. */
  addTokens(tokens: AddedToken[]): void {
    for (const t of tokens) {
      if (typeof t.content !== 'string' || !Number.isInteger(t.id) || t.id < 0) {
        throw new TokenizerError('INVALID_FIELD', `added_tokens: each needs a string content and an integer id, got ${JSON.stringify(t)}`);
      }
      this.addedTokens.push(t);
      this.addedById.set(t.id, t);
      this.addedByContent.set(t.content, t);
    }
    const matchable = this.addedTokens.filter((t) => t.matched !== false);
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

  // ---------------------------------------------------------------- encoding

  /** Ids of one text (added tokens recognised, no post-processing). */
  private encodeText(text: string, ids: number[], offs: number[] | null, names: Map<number, string> | null = null): void {
    if (offs) { this.encodeAligned(text, ids, offs, names); return; }
    const segs = this.rawMatcher.split(text);
    for (const seg of segs) {
      if (seg.id >= 0) { ids.push(seg.id); continue; }
      if (this.fast) { this.encodeFast(text, seg.start, seg.end, ids, null); continue; }
      const raw = seg.start === 0 && seg.end === text.length ? text : text.slice(seg.start, seg.end);
      const norm = this.normalizer ? this.normalizer.normalize(raw) : raw;
      const sub = this.normMatcher.empty ? [{ start: 0, end: norm.length, id: -1 }] : this.normMatcher.split(norm);
      for (const s of sub) {
        if (s.id >= 0) { ids.push(s.id); continue; }
        const part = s.start === 0 && s.end === norm.length ? norm : norm.slice(s.start, s.end);
        this.encodeNormalized(part, seg.start + s.start, ids, names);
      }
    }
  }

  /** Ids and exact offsets: every unit of the normalized / pre-tokenized text keeps its original range. */
  private encodeAligned(text: string, ids: number[], offs: number[], names: Map<number, string> | null): void {
    const model = this.model;
    const unkModel = unkTextModel(model);
    for (const seg of this.rawMatcher.split(text)) {
      if (seg.id >= 0) { ids.push(seg.id); offs.push(seg.start, seg.end); continue; }
      if (this.fast) { this.encodeFast(text, seg.start, seg.end, ids, offs); continue; }
      let x = identity(seg.start === 0 && seg.end === text.length ? text : text.slice(seg.start, seg.end), seg.start);
      if (this.normalizer) x = normalizeAligned(x, this.normalizer);
      const sub = this.normMatcher.empty ? [{ start: 0, end: x.s.length, id: -1 }] : this.normMatcher.split(x.s);
      for (const s of sub) {
        if (s.id >= 0) { ids.push(s.id); offs.push(...rangeOf(x, s.start, s.end)); continue; }
        const part = s.start === 0 && s.end === x.s.length ? x : sliceAligned(x, s.start, s.end);
        const pieces: Aligned[] = [], bases: number[] = [];
        if (this.preTokenizer) preTokenizeAligned(this.preTokenizer, part, seg.start + s.start, pieces, bases, seg.start);
        else pieces.push(part);
        for (const piece of pieces) {
          const n0 = ids.length;
          if (names && unkModel) {
            const texts: string[] = [];
            unkModel.tokenize(piece.s, ids, texts);
            for (let i = n0, t = 0; i < ids.length && t < texts.length; i++) if (ids[i] === unkModel.unkId) names.set(i, texts[t++]!);
          } else model.tokenize(piece.s, ids);
          this.tokenOffsets(piece, ids, n0, names, offs);
        }
      }
    }
  }

  /** Offsets of the tokens ids[n0..] of one aligned piece. */
  private tokenOffsets(piece: Aligned, ids: number[], n0: number, names: Map<number, string> | null, out: number[]): void {
    const m = this.model as Model & { unkToken?: string | null; continuingSubwordPrefix?: string | null; endOfWordSuffix?: string | null };
    const s = piece.s, n = s.length;
    const wp = m.type === 'WordPiece';
    const prefix = m.continuingSubwordPrefix ?? (wp ? '##' : null);
    const suffix = m.endOfWordSuffix ?? null;
    const unk = m.unkToken ?? null;
    let pos = 0, byteNeed = 0;
    for (let i = n0; i < ids.length; i++) {
      const named = names?.get(i);
      const tok = named ?? m.idToToken(ids[i]!) ?? '';
      if (named === undefined && tok.length === 6 && tok.startsWith('<0x') && tok.endsWith('>') && !s.startsWith(tok, pos) && pos < n) {
        // byte fallback: each byte token covers the char its byte belongs to
        const cp = s.codePointAt(pos)!, w = cp > 0xffff ? 2 : 1;
        if (byteNeed === 0) byteNeed = utf8LenOfCp(cp);
        out.push(...rangeOf(piece, pos, Math.min(n, pos + w)));
        if (--byteNeed === 0) pos += w;
        continue;
      }
      let len: number;
      if (named !== undefined) len = named.length;
      else if (wp && tok === unk) len = n - pos;
      else {
        let t = tok;
        if (prefix && i > n0 && t.startsWith(prefix) && !s.startsWith(t, pos)) t = t.slice(prefix.length);
        if (suffix && t.endsWith(suffix) && !s.startsWith(t, pos)) t = t.slice(0, t.length - suffix.length);
        if (s.startsWith(t, pos)) len = t.length;
        else if (tok === unk && pos < n) len = s.codePointAt(pos)! > 0xffff ? 2 : 1;
        else len = t.length;
      }
      const e = Math.min(n, pos + len);
      out.push(...rangeOf(piece, pos, e));
      pos = e;
    }
  }

  private encodeFast(text: string, a: number, b: number, ids: number[], offs: number[] | null): void {
    const f = this.fast!;
    let s = text, start = a, end = b, shift = 0;
    if (f.prefixSpace && text.charCodeAt(a) !== 32) { s = ' ' + text.slice(a, b); start = 0; end = s.length; shift = 1; }
    const ends: number[] = [];
    f.scan(s, start, end, ends);
    const bpe = f.bpe;
    let p = start;
    for (let k = 0; k < ends.length; k++) {
      const e = ends[k]!;
      const n0 = ids.length;
      bpe.encodeRawPiece(s.slice(p, e), ids);
      if (offs) byteOffsets(s, p, ids, n0, (id) => this.model.idToToken(id)!.length, offs, shift ? a : -1);
      p = e;
    }
  }

  /** Ids of a normalized part (no offsets: encodeAligned computes those). */
  private encodeNormalized(s: string, base: number, ids: number[], names: Map<number, string> | null = null): void {
    const strs: string[] = [], starts: number[] = [];
    if (this.preTokenizer) this.preTokenizer.preTokenize(s, base, strs, starts);
    else { strs.push(s); starts.push(base); }
    const model = this.model;
    const unkModel = unkTextModel(model);
    for (let k = 0; k < strs.length; k++) {
      const n0 = ids.length;
      if (names && unkModel) {
        // HF reports the covered (normalized) text as the token of an unknown Unigram piece
        const texts: string[] = [];
        unkModel.tokenize(strs[k]!, ids, texts);
        for (let i = n0, t = 0; i < ids.length && t < texts.length; i++) if (ids[i] === unkModel.unkId) names.set(i, texts[t++]!);
      } else model.tokenize(strs[k]!, ids);
    }
  }

  /** Encode one text (or pair) into an Encoding. */
  encode(text: string, pair?: string | null, opts: EncodeOptions = {}): Encoding {
    return this.encodeWith(text, pair ?? null, opts.addSpecialTokens ?? true, true, this.truncation);
  }

  /** Ids only (fastest path, no post-processing when addSpecialTokens is false). */
  encodeIds(text: string, opts: EncodeOptions = {}): number[] {
    if (opts.addSpecialTokens === false || !this.postProcessor) { const ids: number[] = []; this.encodeText(text, ids, null); return ids; }
    return this.encodeWith(text, null, true, false, this.truncation).ids;
  }

  private raw(text: string, withOffsets: boolean): RawEncoding {
    const ids: number[] = [];
    const offs: number[] | null = withOffsets ? [] : null;
    const names = unkTextModel(this.model) ? new Map<number, string>() : null;
    this.encodeText(text, ids, offs, names);
    const tokens = new Array<string>(ids.length);
    const special = new Array<number>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const add = this.addedById.get(ids[i]!);
      tokens[i] = names?.get(i) ?? (add ? add.content : this.model.idToToken(ids[i]!) ?? '');
      special[i] = 0; // as in HF, only tokens a post-processor adds count as special, not those found in the text
    }
    let offsets: Array<[number, number]> | null = null;
    if (offs) {
      offsets = new Array(ids.length);
      for (let i = 0; i < ids.length; i++) offsets[i] = [offs[2 * i]!, offs[2 * i + 1]!];
    }
    return { ids, tokens, typeIds: new Array(ids.length).fill(0), special, offsets, text };
  }

  private encodeWith(text: string, pair: string | null, addSpecial: boolean, withOffsets: boolean, trunc: TruncationOptions | null): Encoding {
    if (typeof text !== 'string' || (pair !== null && typeof pair !== 'string')) throw new TokenizerError('INVALID_ARGUMENT', 'encode: text (and pair) must be strings');
    if (trunc) checkTruncation(trunc);
    let a = this.raw(text, withOffsets);
    let b = pair === null ? null : this.raw(pair, withOffsets);
    if (b) b.typeIds.fill(1);
    if (trunc) {
      const added = addSpecial && this.postProcessor ? this.postProcessor.addedTokens(b !== null) : 0;
      [a, b] = truncate(a, b, Math.max(0, trunc.maxLength - added), trunc);
    }
    return toEncoding(postProcess(this.postProcessor, a, b, addSpecial));
  }

  /** Encode many inputs, then pad them (options or the tokenizer's padding setting). */
  encodeBatch(inputs: BatchInput[], opts: EncodeOptions & { padding?: PaddingOptions | null; truncation?: TruncationOptions | null } = {}): Encoding[] {
    const trunc = opts.truncation === undefined ? this.truncation : opts.truncation;
    const encs = inputs.map((x) => Array.isArray(x)
      ? this.encodeWith(x[0], x[1], opts.addSpecialTokens ?? true, true, trunc)
      : this.encodeWith(x, null, opts.addSpecialTokens ?? true, true, trunc));
    const pad = opts.padding === undefined ? this.padding : opts.padding;
    if (pad) this.pad(encs, pad);
    return encs;
  }

  /** Pad encodings in place. */
  pad(encs: Encoding[], p: PaddingOptions): void {
    let len = p.length === undefined || p.length === 'longest' ? Math.max(0, ...encs.map((e) => e.ids.length)) : p.length;
    if (!Number.isInteger(len) || len < 0) throw new TokenizerError('INVALID_ARGUMENT', `padding.length must be 'longest' or a non-negative integer, got ${p.length}`);
    if (p.padToMultipleOf && len % p.padToMultipleOf) len += p.padToMultipleOf - (len % p.padToMultipleOf);
    const padToken = p.padToken ?? '[PAD]';
    const padId = p.padId ?? this.tokenToId(padToken) ?? 0;
    const typeId = p.padTypeId ?? 0;
    const padOne = (e: Encoding): void => {
      for (const o of e.overflowing) padOne(o);
      const n = len - e.ids.length;
      if (n <= 0) return;
      const fill = <T>(arr: T[], v: T) => { const x = new Array<T>(n).fill(v); if (p.direction === 'left') arr.unshift(...x); else arr.push(...x); };
      fill(e.ids, padId); fill(e.tokens, padToken); fill(e.typeIds, typeId); fill(e.attentionMask, 0); fill(e.specialTokensMask, 1);
      fill(e.offsets, [0, 0] as [number, number]);
      if (p.direction === 'left') for (let i = 0; i < n; i++) e.offsets[i] = [0, 0];
      else for (let i = e.offsets.length - n; i < e.offsets.length; i++) e.offsets[i] = [0, 0];
    };
    for (const e of encs) padOne(e);
  }

  // ---------------------------------------------------------------- decoding

  idToToken(id: number): string | undefined { return this.addedById.get(id)?.content ?? this.model.idToToken(id); }
  tokenToId(token: string): number | undefined { return this.addedByContent.get(token)?.id ?? this.model.tokenToId(token); }
  getVocabSize(withAdded = true): number {
    if (!withAdded) return this.model.getVocabSize();
    let n = this.model.getVocabSize();
    for (const t of this.addedTokens) if (this.model.idToToken(t.id) === undefined) n++;
    return n;
  }

  decode(ids: ArrayLike<number>, opts: { skipSpecialTokens?: boolean } = {}): string {
    const skip = opts.skipSpecialTokens ?? true;
    const out: string[] = [];
    let run: string[] = [];
    const flush = () => { if (run.length) { out.push(...(this.decoder ? this.decoder.decodeChain(run) : [run.join(' ')])); run = []; } };
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const add = this.addedById.get(id);
      if (add) {
        if (skip && add.special) continue;
        // added tokens are not run through the decoder, as in HF
        flush();
        out.push(add.content);
        continue;
      }
      const t = this.model.idToToken(id);
      if (t === undefined) throw new TokenizerError('INVALID_ARGUMENT', `decode: id ${id} is not in the vocabulary`);
      run.push(t);
    }
    flush();
    return this.decoder ? out.join('') : out.join(' ');
  }

  decodeBatch(batch: ArrayLike<number>[], opts: { skipSpecialTokens?: boolean } = {}): string[] {
    return Array.from(batch, (ids) => this.decode(ids, opts));
  }

  /** Incremental decoding: `step(id)` returns new text, or null while a character is incomplete. */
  decodeStream(opts: { skipSpecialTokens?: boolean } = {}): DecodeStream {
    return new DecodeStream(this, opts.skipSpecialTokens ?? true);
  }

  // ---------------------------------------------------------------- serialization

  toJSON(): Record<string, unknown> {
    return {
      version: '1.0',
      truncation: this.truncation ? { direction: this.truncation.direction === 'left' ? 'Left' : 'Right', max_length: this.truncation.maxLength, strategy: { longest_first: 'LongestFirst', only_first: 'OnlyFirst', only_second: 'OnlySecond' }[this.truncation.strategy ?? 'longest_first'], stride: this.truncation.stride ?? 0 } : null,
      padding: this.padding ? {
        strategy: this.padding.length === undefined || this.padding.length === 'longest' ? 'BatchLongest' : { Fixed: this.padding.length },
        direction: this.padding.direction === 'left' ? 'Left' : 'Right', pad_to_multiple_of: this.padding.padToMultipleOf ?? null,
        pad_id: this.padding.padId ?? 0, pad_type_id: this.padding.padTypeId ?? 0, pad_token: this.padding.padToken ?? '[PAD]',
      } : null,
      added_tokens: this.addedTokens.map((t) => ({ id: t.id, content: t.content, single_word: !!t.singleWord, lstrip: !!t.lstrip, rstrip: !!t.rstrip, normalized: !!t.normalized, special: !!t.special })),
      normalizer: this.normalizer?.toJSON() ?? null,
      pre_tokenizer: this.preTokenizer?.toJSON() ?? null,
      post_processor: this.postProcessor?.toJSON() ?? null,
      decoder: this.decoder?.toJSON() ?? null,
      model: this.modelJSON(),
    };
  }

  /**
   * The model's JSON. HF ignores the ids of added tokens missing from the model vocabulary and numbers
   * them from the vocabulary size on; where that would give other ids than ours (an id gap, as at
   * 100256 in cl100k), the added tokens go into the BPE vocabulary at their ids, which HF keeps.
   */
  private modelJSON(): Record<string, unknown> {
    const j = this.model.toJSON();
    const vocab = j.vocab as Record<string, number> | undefined;
    if (j.type !== 'BPE' || !vocab || typeof vocab !== 'object' || Array.isArray(vocab)) return j;
    const inModel = (t: AddedToken) => Object.prototype.hasOwnProperty.call(vocab, t.content);
    let size = Object.keys(vocab).length, max = -1, faithful = true;
    for (const t of this.addedTokens) { // HF AddedVocabulary id assignment
      let id: number;
      if (inModel(t)) id = vocab[t.content]!;
      else id = max < 0 ? size : max >= size || size === 0 ? max + 1 : size;
      if (id !== t.id) { faithful = false; break; }
      max = Math.max(max, id);
    }
    if (faithful) return j;
    const used = new Set(Object.values(vocab));
    const extra = this.addedTokens.filter((t) => !inModel(t) && !used.has(t.id));
    if (!extra.length) return j;
    const all = [...Object.entries(vocab), ...extra.map((t) => [t.content, t.id] as [string, number])].sort((a, b) => a[1] - b[1]);
    const out: Record<string, number> = {};
    for (const [t, id] of all) out[t] = id;
    return { ...j, vocab: out };
  }

  toString(pretty = false): string { return JSON.stringify(this.toJSON(), null, pretty ? 2 : undefined); }

  /** Write tokenizer.json atomically (temp file + rename). */
  save(path: string, pretty = true): void { writeFileAtomic(path, this.toString(pretty)); }

  static fromFile(path: string): Tokenizer { return loaders.fromBytes(readBytes(path), path); }
  static fromBuffer(bytes: Uint8Array, name = 'buffer'): Tokenizer { return loaders.fromBytes(bytes, name); }
  static fromJSON(json: string | Record<string, unknown>): Tokenizer { return loaders.fromJSON(json); }
  static fromTiktoken(pathOrBytes: string | Uint8Array, opts: { name?: string; pattern?: string; specialTokens?: Record<string, number> } = {}): Tokenizer {
    return loaders.fromTiktoken(typeof pathOrBytes === 'string' ? readBytes(pathOrBytes) : pathOrBytes, opts);
  }
  /** GPT-2 byte-level BPE from vocab.json + merges.txt. */
  static fromGpt2Files(vocabJson: string | Uint8Array, mergesTxt: string | Uint8Array): Tokenizer {
    const r = (x: string | Uint8Array) => (typeof x === 'string' ? readBytes(x) : x);
    return tokenizerFromGpt2(r(vocabJson), r(mergesTxt));
  }
  /** BERT WordPiece from vocab.txt (uncased unless lowercase: false). */
  static fromBertVocab(pathOrBytes: string | Uint8Array, opts: { lowercase?: boolean } = {}): Tokenizer {
    return tokenizerFromBertVocab(typeof pathOrBytes === 'string' ? readBytes(pathOrBytes) : pathOrBytes, opts);
  }
  static fromSentencePiece(pathOrBytes: string | Uint8Array): Tokenizer {
    return loaders.fromSentencePiece(typeof pathOrBytes === 'string' ? readBytes(pathOrBytes) : pathOrBytes);
  }
}

const loaders = {
  fromBytes: (b: Uint8Array, name: string) => fromBytes(b, name),
  fromJSON: (j: string | Record<string, unknown>) => tokenizerFromJSON(j),
  fromTiktoken: (b: Uint8Array, o: { name?: string; pattern?: string; specialTokens?: Record<string, number> }) => tokenizerFromTiktoken(b, o),
  fromSentencePiece: (b: Uint8Array) => tokenizerFromSentencePiece(b),
};

export function readBytes(path: string): Uint8Array {
  try { return readFileSync(path); } catch (e) { throw new TokenizerError('IO', `cannot read ${path}: ${(e as Error).message}`); }
}

export class DecodeStream {
  private ids: number[] = [];
  private prefix = '';
  private prefixIndex = 0;
  constructor(private readonly tok: Tokenizer, private readonly skip: boolean) {}
  step(id: number): string | null {
    this.ids.push(id);
    const s = this.tok.decode(this.ids, { skipSpecialTokens: this.skip });
    if (s.length > this.prefix.length && !s.endsWith('\ufffd') && s.startsWith(this.prefix)) {
      const fresh = s.slice(this.prefix.length);
      const newIndex = this.ids.length - this.prefixIndex;
      this.ids = this.ids.slice(this.prefixIndex);
      this.prefix = this.tok.decode(this.ids, { skipSpecialTokens: this.skip });
      this.prefixIndex = newIndex;
      return fresh;
    }
    return null;
  }
}





/**
 * Offsets of byte-level tokens ids[n0..] of the piece starting at p in s: a token covers the chars
 * holding its first and last bytes (bytes of one char all get that char's range, as in HF). When
 * `prefixAt` >= 0, s[0] is a space prepended to the text at `prefixAt`: it takes the range of the
 * first char there, and s[x] (x >= 1) is the text's unit prefixAt + x - 1.
 */
function byteOffsets(s: string, p: number, ids: number[], n0: number, tokBytes: (id: number) => number, out: number[], prefixAt: number): void {
  let i = p, used = 0; // current char s[i], `used` of its bytes already taken
  for (let k = n0; k < ids.length; k++) {
    let need = tokBytes(ids[k]!);
    const cs = i;
    let ce = i;
    while (need > 0 && i < s.length) {
      const l = utf8LenAt(s, i);
      const w = l === 4 ? 2 : 1;
      const take = Math.min(need, l - used);
      need -= take; used += take; ce = i + w;
      if (used >= l) { i += w; used = 0; }
    }
    if (prefixAt < 0) out.push(cs, ce);
    else {
      const w0 = utf8LenAt(s, 1) === 4 ? 2 : 1;
      out.push(cs === 0 ? prefixAt : prefixAt + cs - 1, ce <= 1 ? prefixAt + (s.length > 1 ? w0 : 0) : prefixAt + ce - 1);
    }
  }
}

/** Models that report the text each unknown token covers (shown as its token, as HF and SentencePiece do). */
function unkTextModel(m: Model): { unkId: number; tokenize(s: string, out: number[], unkTexts: string[]): void } | null {
  if (m instanceof Unigram) return m.unkId === null ? null : (m as Unigram & { unkId: number });
  return m instanceof SentencePieceBPE ? m : null;
}

/** The public Encoding of a post-processed RawEncoding (overflowing parts too). */
function toEncoding(r: RawEncoding): Encoding {
  return {
    ids: r.ids, tokens: r.tokens, offsets: r.offsets ?? [], typeIds: r.typeIds, specialTokensMask: r.special,
    attentionMask: new Array(r.ids.length).fill(1), overflowing: (r.overflowing ?? []).map(toEncoding),
  };
}
