// The Tokenizer: the public API over the pipeline (pipeline.ts), post-processing, truncation
// (truncation.ts), padding (padding.ts), decoding, serialization (serialization.ts) and files (fs.ts).
import { fail } from './errors.js';
import * as A from './args.js';
import { toEncoding, type Encoding } from './encoding.js';
import type { Model } from './models/model.js';
import type { Normalizer } from './normalizers.js';
import type { PreTokenizer } from './pre-tokenizers.js';
import { postProcess, type PostProcessor, type RawEncoding } from './post-processors.js';
import { checkTruncation, truncate, type TruncationOptions } from './truncation.js';
import { checkPadding, padEncodings, type PaddingOptions } from './padding.js';
import type { Decoder } from './decoders.js';
import type { AddedToken } from './added-tokens.js';
import { Pipeline, type Tokens } from './pipeline.js';
import { DecodeStream } from './decode-stream.js';
import { tokenizerToJSON } from './serialization.js';
import { readBytes, writeFileAtomic } from './fs.js';
import { tokenizerFromJSON } from './loaders/json.js';
import { tokenizerFromTiktoken, type TiktokenOptions } from './loaders/tiktoken.js';
import { tokenizerFromSentencePiece } from './loaders/sentencepiece.js';
import { fromBytes } from './loaders/detect.js';
import { tokenizerFromBertVocab, tokenizerFromGpt2 } from './loaders/vocab.js';

export interface EncodeOptions { addSpecialTokens?: boolean }
export type { TruncationOptions, PaddingOptions };
export { DecodeStream, readBytes };
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

const PART_KEYS = ['model', 'normalizer', 'preTokenizer', 'postProcessor', 'decoder', 'addedTokens', 'truncation', 'padding'];
const ADDED_KEYS = ['id', 'content', 'singleWord', 'lstrip', 'rstrip', 'normalized', 'special', 'matched'];
const hasMethods = (o: unknown, names: string[]) => typeof o === 'object' && o !== null && names.every((n) => typeof (o as Record<string, unknown>)[n] === 'function');
const ENCODE_KEYS = ['addSpecialTokens'];
const DECODE_KEYS = ['skipSpecialTokens'];

export class Tokenizer {
  readonly model: Model;
  readonly normalizer: Normalizer | null;
  readonly preTokenizer: PreTokenizer | null;
  readonly postProcessor: PostProcessor | null;
  readonly decoder: Decoder | null;
  readonly addedTokens: AddedToken[];
  truncation: TruncationOptions | null;
  padding: PaddingOptions | null;
  private readonly pipeline: Pipeline;
  private addedById = new Map<number, AddedToken>();
  private addedByContent = new Map<string, AddedToken>();

  constructor(p: TokenizerParts) {
    const f = 'new Tokenizer';
    A.options<TokenizerParts>(f, 'parts', p ?? null, PART_KEYS);
    if (!hasMethods(p.model, ['tokenize', 'tokenizeIds', 'tokenToId', 'idToToken', 'getVocabSize', 'toJSON'])) A.badArg(f, 'parts.model', 'a Model (BPE, WordPiece, Unigram, SentencePieceBPE)', p.model);
    const part = (k: string, v: unknown, methods: string[]) => { if (v !== undefined && v !== null && !hasMethods(v, methods)) A.badArg(f, `parts.${k}`, `null or an object with ${methods.join(', ')}()`, v); };
    part('normalizer', p.normalizer, ['normalize']);
    part('preTokenizer', p.preTokenizer, ['preTokenize']);
    part('postProcessor', p.postProcessor, ['addedTokens', 'process']);
    part('decoder', p.decoder, ['decodeChain']);
    this.model = p.model;
    this.normalizer = p.normalizer ?? null;
    this.preTokenizer = p.preTokenizer ?? null;
    this.postProcessor = p.postProcessor ?? null;
    this.decoder = p.decoder ?? null;
    this.addedTokens = [];
    this.truncation = p.truncation ?? null;
    if (this.truncation) checkTruncation(this.truncation, f);
    this.padding = p.padding ? checkPadding(f, 'parts.padding', p.padding) : null;
    this.pipeline = new Pipeline(this.model, this.normalizer, this.preTokenizer);
    this.addTokens(p.addedTokens ?? []);
  }

  /** Add tokens (special or not); ids must be given. */
  addTokens(tokens: AddedToken[]): void {
    const f = 'Tokenizer.addTokens';
    if (!Array.isArray(tokens)) A.badArg(f, 'tokens', 'an array of {id, content, ...}', tokens);
    tokens.forEach((t, i) => {
      A.options<AddedToken>(f, `tokens[${i}]`, t ?? null, ADDED_KEYS);
      if (typeof t.content !== 'string') A.badArg(f, `tokens[${i}].content`, 'a string', t.content);
      A.int(f, `tokens[${i}].id`, t.id, 0, 2 ** 31 - 1);
      for (const k of ['singleWord', 'lstrip', 'rstrip', 'normalized', 'special', 'matched'] as const) A.optBool(f, `tokens[${i}].${k}`, t[k]);
    });
    for (const t of tokens) {
      this.addedTokens.push(t);
      this.addedById.set(t.id, t);
      this.addedByContent.set(t.content, t);
    }
    this.pipeline.setAddedTokens(this.addedTokens);
  }

  // ---------------------------------------------------------------- encoding

  /** Encode one text (or pair) into an Encoding. */
  encode(text: string, pair?: string | null, opts: EncodeOptions = {}): Encoding {
    const f = 'Tokenizer.encode';
    A.str(f, 'text', text);
    if (pair !== undefined && pair !== null) A.str(f, 'pair', pair);
    const o = A.options<EncodeOptions>(f, 'opts', opts, ENCODE_KEYS);
    return this.encodeWith(text, pair ?? null, A.optBool(f, 'opts.addSpecialTokens', o.addSpecialTokens) ?? true, true, this.truncation);
  }

  /** Ids only (fastest path, no post-processing when addSpecialTokens is false). */
  encodeIds(text: string, opts: EncodeOptions = {}): number[] {
    const f = 'Tokenizer.encodeIds';
    A.str(f, 'text', text);
    const o = A.options<EncodeOptions>(f, 'opts', opts, ENCODE_KEYS);
    if (A.optBool(f, 'opts.addSpecialTokens', o.addSpecialTokens) === false || !this.postProcessor) { const ids: number[] = []; this.pipeline.ids(text, ids); return ids; }
    return this.encodeWith(text, null, true, false, this.truncation).ids;
  }

  private raw(text: string, withOffsets: boolean): RawEncoding {
    const t: Tokens = { ids: [], values: [], offs: [] };
    if (withOffsets) this.pipeline.tokens(text, t, (id) => this.addedById.get(id)!.content);
    else this.pipeline.ids(text, t.ids);
    const { ids, values, offs } = t;
    const tokens = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const add = this.addedById.get(ids[i]!);
      const v = withOffsets ? values[i]! : undefined;
      // an added token's content names its id, unless the model reported the text an unknown covers
      tokens[i] = add && (v === undefined || v === this.model.idToToken(ids[i]!)) ? add.content : v ?? this.model.idToToken(ids[i]!) ?? '';
    }
    let offsets: Array<[number, number]> | null = null;
    if (withOffsets) {
      offsets = new Array(ids.length);
      for (let i = 0; i < ids.length; i++) offsets[i] = [offs[2 * i]!, offs[2 * i + 1]!];
    }
    // as in HF, only tokens a post-processor adds count as special, not those found in the text
    return { ids, tokens, typeIds: new Array(ids.length).fill(0), special: new Array(ids.length).fill(0), offsets, text };
  }

  private encodeWith(text: string, pair: string | null, addSpecial: boolean, withOffsets: boolean, trunc: TruncationOptions | null): Encoding {
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
    const f = 'Tokenizer.encodeBatch';
    if (!Array.isArray(inputs)) A.badArg(f, 'inputs', 'an array of texts or [text, pair] pairs', inputs);
    const o = A.options<EncodeOptions & { padding?: PaddingOptions | null; truncation?: TruncationOptions | null }>(f, 'opts', opts, ['addSpecialTokens', 'padding', 'truncation']);
    const add = A.optBool(f, 'opts.addSpecialTokens', o.addSpecialTokens) ?? true;
    const trunc = o.truncation === undefined ? this.truncation : o.truncation;
    if (trunc) checkTruncation(trunc, f);
    const pad = o.padding === undefined ? this.padding : o.padding;
    if (pad) checkPadding(f, 'opts.padding', pad);
    inputs.forEach((x, i) => {
      if (typeof x === 'string') return;
      if (!Array.isArray(x) || x.length !== 2 || typeof x[0] !== 'string' || typeof x[1] !== 'string') A.badArg(f, `inputs[${i}]`, 'a string or a [text, pair] pair of strings', x);
    });
    const encs = inputs.map((x) => Array.isArray(x) ? this.encodeWith(x[0], x[1], add, true, trunc) : this.encodeWith(x, null, add, true, trunc));
    if (pad) padEncodings(encs, pad, (t) => this.tokenToId(t));
    return encs;
  }

  /** Pad encodings in place. */
  pad(encs: Encoding[], p: PaddingOptions): void {
    const f = 'Tokenizer.pad';
    if (!Array.isArray(encs)) A.badArg(f, 'encs', 'an array of Encodings', encs);
    encs.forEach((e, i) => {
      const keys = ['ids', 'tokens', 'offsets', 'typeIds', 'attentionMask', 'specialTokensMask', 'overflowing'] as const;
      if (typeof e !== 'object' || e === null || keys.some((k) => !Array.isArray(e[k]))) A.badArg(f, `encs[${i}]`, 'an Encoding (from encode or encodeBatch)', e);
    });
    padEncodings(encs, checkPadding(f, 'p', p), (t) => this.tokenToId(t));
  }

  // ---------------------------------------------------------------- decoding

  idToToken(id: number): string | undefined {
    A.int('Tokenizer.idToToken', 'id', id);
    return this.addedById.get(id)?.content ?? this.model.idToToken(id);
  }
  tokenToId(token: string): number | undefined {
    A.str('Tokenizer.tokenToId', 'token', token);
    return this.addedByContent.get(token)?.id ?? this.model.tokenToId(token);
  }
  getVocabSize(withAdded = true): number {
    A.optBool('Tokenizer.getVocabSize', 'withAdded', withAdded);
    if (!withAdded) return this.model.getVocabSize();
    let n = this.model.getVocabSize();
    for (const t of this.addedTokens) if (this.model.idToToken(t.id) === undefined) n++;
    return n;
  }

  decode(ids: ArrayLike<number>, opts: { skipSpecialTokens?: boolean } = {}): string {
    const f = 'Tokenizer.decode';
    A.ids(f, 'ids', ids);
    const skip = A.optBool(f, 'opts.skipSpecialTokens', A.options<{ skipSpecialTokens: boolean }>(f, 'opts', opts, DECODE_KEYS).skipSpecialTokens) ?? true;
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
      if (t === undefined) fail('INVALID_ARGUMENT', `${f}: ids[${i}] = ${id} is not in the vocabulary (size ${this.getVocabSize()})`);
      run.push(t);
    }
    flush();
    return this.decoder ? out.join('') : out.join(' ');
  }

  decodeBatch(batch: ArrayLike<number>[], opts: { skipSpecialTokens?: boolean } = {}): string[] {
    if (!Array.isArray(batch)) A.badArg('Tokenizer.decodeBatch', 'batch', 'an array of id arrays', batch);
    return Array.from(batch, (ids) => this.decode(ids, opts));
  }

  /** Incremental decoding: `step(id)` returns new text, or null while a character is incomplete. */
  decodeStream(opts: { skipSpecialTokens?: boolean } = {}): DecodeStream {
    const f = 'Tokenizer.decodeStream';
    return new DecodeStream(this, A.optBool(f, 'opts.skipSpecialTokens', A.options<{ skipSpecialTokens: boolean }>(f, 'opts', opts, DECODE_KEYS).skipSpecialTokens) ?? true);
  }

  // ---------------------------------------------------------------- serialization and files

  toJSON(): Record<string, unknown> { return tokenizerToJSON(this); }
  toString(pretty = false): string {
    A.optBool('Tokenizer.toString', 'pretty', pretty);
    return JSON.stringify(this.toJSON(), null, pretty ? 2 : undefined);
  }

  /** Write tokenizer.json atomically (temp file + rename). */
  save(path: string, pretty = true): void {
    A.str('Tokenizer.save', 'path', path);
    A.optBool('Tokenizer.save', 'pretty', pretty);
    writeFileAtomic(path, this.toString(pretty));
  }

  static fromFile(path: string): Tokenizer { return fromBytes(readBytes(A.str('Tokenizer.fromFile', 'path', path)), path); }
  static fromBuffer(bytes: Uint8Array, name = 'buffer'): Tokenizer {
    return fromBytes(A.bytes('Tokenizer.fromBuffer', 'bytes', bytes), A.str('Tokenizer.fromBuffer', 'name', name));
  }
  static fromJSON(json: string | Record<string, unknown>): Tokenizer {
    if (typeof json !== 'string' && (typeof json !== 'object' || json === null || Array.isArray(json))) A.badArg('Tokenizer.fromJSON', 'json', 'tokenizer.json text or its parsed object', json);
    return tokenizerFromJSON(json);
  }
  static fromTiktoken(pathOrBytes: string | Uint8Array, opts: TiktokenOptions = {}): Tokenizer {
    const x = A.pathOrBytes('Tokenizer.fromTiktoken', 'pathOrBytes', pathOrBytes);
    return tokenizerFromTiktoken(typeof x === 'string' ? readBytes(x) : x, opts);
  }
  /** GPT-2 byte-level BPE from vocab.json + merges.txt. */
  static fromGpt2Files(vocabJson: string | Uint8Array, mergesTxt: string | Uint8Array): Tokenizer {
    const r = (arg: string, v: string | Uint8Array) => { const x = A.pathOrBytes('Tokenizer.fromGpt2Files', arg, v); return typeof x === 'string' ? readBytes(x) : x; };
    return tokenizerFromGpt2(r('vocabJson', vocabJson), r('mergesTxt', mergesTxt));
  }
  /** BERT WordPiece from vocab.txt (uncased unless lowercase: false). */
  static fromBertVocab(pathOrBytes: string | Uint8Array, opts: { lowercase?: boolean } = {}): Tokenizer {
    const f = 'Tokenizer.fromBertVocab';
    const x = A.pathOrBytes(f, 'pathOrBytes', pathOrBytes);
    const o = A.options<{ lowercase: boolean }>(f, 'opts', opts, ['lowercase']);
    return tokenizerFromBertVocab(typeof x === 'string' ? readBytes(x) : x, { lowercase: A.optBool(f, 'opts.lowercase', o.lowercase) });
  }
  static fromSentencePiece(pathOrBytes: string | Uint8Array): Tokenizer {
    const x = A.pathOrBytes('Tokenizer.fromSentencePiece', 'pathOrBytes', pathOrBytes);
    return tokenizerFromSentencePiece(typeof x === 'string' ? readBytes(x) : x);
  }
}
