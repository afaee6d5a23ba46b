// tokenizer.json (HF `tokenizers` format) -> Tokenizer.
import { TokenizerError } from '../errors.js';
import { BPE } from '../models/bpe.js';
import { WordPiece } from '../models/wordpiece.js';
import { Unigram } from '../models/unigram.js';
import type { Model } from '../models/model.js';
import * as N from '../normalizers.js';
import * as P from '../pre-tokenizers.js';
import * as PP from '../post-processors.js';
import * as D from '../decoders.js';
import { Tokenizer, type PaddingOptions, type TruncationOptions } from '../tokenizer.js';
import type { AddedToken } from '../added-tokens.js';

type J = Record<string, unknown>;
const isObj = (x: unknown): x is J => typeof x === 'object' && x !== null && !Array.isArray(x);

function field<T>(o: J, k: string, where: string, check: (v: unknown) => boolean, what: string, dflt?: T): T {
  const v = o[k];
  if (v === undefined || v === null) {
    if (dflt !== undefined) return dflt;
    throw new TokenizerError('INVALID_FIELD', `${where}.${k} is missing (expected ${what})`);
  }
  if (!check(v)) throw new TokenizerError('INVALID_FIELD', `${where}.${k} must be ${what}, got ${JSON.stringify(v).slice(0, 60)}`);
  return v as T;
}
const str = (o: J, k: string, w: string, d?: string) => field<string>(o, k, w, (v) => typeof v === 'string', 'a string', d);
const bool = (o: J, k: string, w: string, d?: boolean) => field<boolean>(o, k, w, (v) => typeof v === 'boolean', 'a boolean', d);
const num = (o: J, k: string, w: string, d?: number) => field<number>(o, k, w, (v) => typeof v === 'number' && Number.isFinite(v), 'a number', d);
const arr = (o: J, k: string, w: string) => field<unknown[]>(o, k, w, Array.isArray, 'an array');
const typeOf = (o: unknown, w: string): string => {
  if (!isObj(o)) throw new TokenizerError('INVALID_FIELD', `${w} must be an object`);
  return str(o, 'type', w);
};

function model(o: unknown): Model {
  if (!isObj(o)) throw new TokenizerError('INVALID_FIELD', 'model must be an object');
  let t = o.type as string | undefined;
  if (t === undefined) t = Array.isArray(o.vocab) ? 'Unigram' : o.merges !== undefined ? 'BPE' : 'WordPiece';
  const w = 'model';
  if (t === 'BPE') {
    const vocab = field<J>(o, 'vocab', w, isObj, 'an object of token -> id');
    return new BPE({
      vocab: vocab as Record<string, number>, merges: arr(o, 'merges', w) as Array<[string, string] | string>,
      unkToken: (o.unk_token as string | null) ?? null, continuingSubwordPrefix: (o.continuing_subword_prefix as string | null) ?? null,
      endOfWordSuffix: (o.end_of_word_suffix as string | null) ?? null, fuseUnk: !!o.fuse_unk, byteFallback: !!o.byte_fallback,
      dropout: (o.dropout as number | null) ?? null, ignoreMerges: !!o.ignore_merges,
    });
  }
  if (t === 'WordPiece') {
    const vocab = field<J>(o, 'vocab', w, isObj, 'an object of token -> id');
    return new WordPiece({
      vocab: vocab as Record<string, number>, unkToken: str(o, 'unk_token', w, '[UNK]'),
      continuingSubwordPrefix: str(o, 'continuing_subword_prefix', w, '##'), maxInputCharsPerWord: num(o, 'max_input_chars_per_word', w, 100),
    });
  }
  if (t === 'Unigram') {
    // paths are scored with the values HF's serde_json reads (see serde-float.ts): ties then break as in HF
    return new Unigram({ vocab: arr(o, 'vocab', w) as Array<[string, number]>, unkId: (o.unk_id as number | null) ?? null, byteFallback: !!o.byte_fallback, serdeScores: true });
  }
  throw new TokenizerError('UNSUPPORTED', `model.type ${JSON.stringify(t)} is not supported (BPE, WordPiece, Unigram)`);
}

export function normalizer(o: unknown, w = 'normalizer'): N.Normalizer {
  const t = typeOf(o, w);
  const j = o as J;
  switch (t) {
    case 'NFC': case 'NFD': case 'NFKC': case 'NFKD': return new N.UnicodeNormalizer(t);
    case 'Lowercase': return new N.Lowercase();
    case 'StripAccents': return new N.StripAccents();
    case 'Strip': return new N.Strip(bool(j, 'strip_left', w, true), bool(j, 'strip_right', w, true));
    case 'Prepend': return new N.Prepend(str(j, 'prepend', w));
    case 'Replace': return new N.Replace(j.pattern as N.Pattern, str(j, 'content', w));
    case 'BertNormalizer': return new N.BertNormalizer(bool(j, 'clean_text', w, true), bool(j, 'handle_chinese_chars', w, true), (j.strip_accents as boolean | null) ?? null, bool(j, 'lowercase', w, true));
    case 'Precompiled': return new N.Precompiled(str(j, 'precompiled_charsmap', w));
    case 'Sequence': return new N.NormalizerSequence(arr(j, 'normalizers', w).map((x, i) => normalizer(x, `${w}.normalizers[${i}]`)));
    default: throw new TokenizerError('UNSUPPORTED', `${w}.type ${JSON.stringify(t)} is not supported`);
  }
}

function prependScheme(j: J, w: string): P.PrependScheme {
  const s = j.prepend_scheme;
  if (s === undefined || s === null) return j.add_prefix_space === false ? 'never' : 'always';
  if (s !== 'always' && s !== 'first' && s !== 'never') throw new TokenizerError('INVALID_FIELD', `${w}.prepend_scheme must be always, first or never`);
  return s;
}

export function preTokenizer(o: unknown, w = 'pre_tokenizer'): P.PreTokenizer {
  const t = typeOf(o, w);
  const j = o as J;
  switch (t) {
    case 'ByteLevel': return new P.ByteLevel(bool(j, 'add_prefix_space', w, true), bool(j, 'trim_offsets', w, true), bool(j, 'use_regex', w, true));
    case 'Split': return new P.Split(j.pattern as N.Pattern, P.checkBehavior(j.behavior, w), bool(j, 'invert', w, false));
    case 'Whitespace': return new P.Whitespace();
    case 'WhitespaceSplit': return new P.WhitespaceSplit();
    case 'BertPreTokenizer': return new P.BertPreTokenizer();
    case 'Metaspace': return new P.Metaspace(str(j, 'replacement', w, '\u2581'), prependScheme(j, w), bool(j, 'split', w, true));
    case 'Digits': return new P.Digits(bool(j, 'individual_digits', w, false));
    case 'Punctuation': return new P.Punctuation(j.behavior === undefined ? 'Isolated' : P.checkBehavior(j.behavior, w));
    case 'Sequence': return new P.PreTokenizerSequence(arr(j, 'pretokenizers', w).map((x, i) => preTokenizer(x, `${w}.pretokenizers[${i}]`)));
    default: throw new TokenizerError('UNSUPPORTED', `${w}.type ${JSON.stringify(t)} is not supported`);
  }
}

function tokPair(v: unknown, w: string): [string, number] {
  if (!Array.isArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'number') throw new TokenizerError('INVALID_FIELD', `${w} must be [token, id]`);
  return [v[0], v[1]];
}

export function postProcessor(o: unknown, w = 'post_processor'): PP.PostProcessor {
  const t = typeOf(o, w);
  const j = o as J;
  switch (t) {
    case 'TemplateProcessing': {
      const tpl = (k: string) => { const v = j[k]; if (typeof v === 'string') return PP.TemplateProcessing.parse(v); if (!Array.isArray(v)) throw new TokenizerError('INVALID_FIELD', `${w}.${k} must be a template`); return v; };
      const sp = field<J>(j, 'special_tokens', w, isObj, 'an object', {});
      return new PP.TemplateProcessing(tpl('single') as never, tpl('pair') as never, sp as never);
    }
    case 'BertProcessing': return new PP.BertProcessing(tokPair(j.sep, `${w}.sep`), tokPair(j.cls, `${w}.cls`));
    case 'RobertaProcessing': return new PP.RobertaProcessing(tokPair(j.sep, `${w}.sep`), tokPair(j.cls, `${w}.cls`), bool(j, 'trim_offsets', w, true), bool(j, 'add_prefix_space', w, true));
    case 'ByteLevel': return new PP.ByteLevelProcessing(bool(j, 'add_prefix_space', w, true), bool(j, 'trim_offsets', w, true), bool(j, 'use_regex', w, true));
    case 'Sequence': return new PP.PostProcessorSequence(arr(j, 'processors', w).map((x, i) => postProcessor(x, `${w}.processors[${i}]`)));
    default: throw new TokenizerError('UNSUPPORTED', `${w}.type ${JSON.stringify(t)} is not supported`);
  }
}

export function decoder(o: unknown, w = 'decoder'): D.Decoder {
  const t = typeOf(o, w);
  const j = o as J;
  switch (t) {
    case 'ByteLevel': return new D.ByteLevelDecoder();
    case 'WordPiece': return new D.WordPieceDecoder(str(j, 'prefix', w, '##'), bool(j, 'cleanup', w, true));
    case 'Metaspace': return new D.MetaspaceDecoder(str(j, 'replacement', w, '\u2581'), prependScheme(j, w), bool(j, 'split', w, true));
    case 'BPEDecoder': return new D.BPEDecoder(str(j, 'suffix', w, '</w>'));
    case 'ByteFallback': return new D.ByteFallbackDecoder();
    case 'Fuse': return new D.FuseDecoder();
    case 'Strip': return new D.StripDecoder(str(j, 'content', w), num(j, 'start', w, 0), num(j, 'stop', w, 0));
    case 'Replace': return new D.ReplaceDecoder(j.pattern as N.Pattern, str(j, 'content', w));
    case 'Sequence': return new D.DecoderSequence(arr(j, 'decoders', w).map((x, i) => decoder(x, `${w}.decoders[${i}]`)));
    default: throw new TokenizerError('UNSUPPORTED', `${w}.type ${JSON.stringify(t)} is not supported`);
  }
}

function addedTokens(v: unknown): AddedToken[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new TokenizerError('INVALID_FIELD', 'added_tokens must be an array');
  return v.map((x, i) => {
    const w = `added_tokens[${i}]`;
    if (!isObj(x)) throw new TokenizerError('INVALID_FIELD', `${w} must be an object`);
    const id = num(x, 'id', w);
    if (!Number.isInteger(id) || id < 0) throw new TokenizerError('INVALID_FIELD', `${w}.id must be a non-negative integer`);
    return { id, content: str(x, 'content', w), singleWord: !!x.single_word, lstrip: !!x.lstrip, rstrip: !!x.rstrip, normalized: !!x.normalized, special: !!x.special };
  });
}

function truncation(v: unknown): TruncationOptions | null {
  if (!isObj(v)) return null;
  const w = 'truncation';
  const int = (k: string, d?: number) => {
    const x = num(v, k, w, d);
    if (!Number.isInteger(x) || x < 0) throw new TokenizerError('INVALID_FIELD', `${w}.${k} must be a non-negative integer, got ${x}`);
    return x;
  };
  const pick = <T>(k: string, map: Record<string, T>, d: T): T => {
    const x = v[k];
    if (x === undefined || x === null) return d;
    if (typeof x !== 'string' || !(x in map)) throw new TokenizerError('INVALID_FIELD', `${w}.${k} must be one of ${Object.keys(map).join(', ')}, got ${JSON.stringify(x)}`);
    return map[x]!;
  };
  return {
    maxLength: int('max_length'),
    strategy: pick('strategy', { LongestFirst: 'longest_first', OnlyFirst: 'only_first', OnlySecond: 'only_second' } as const, 'longest_first'),
    direction: pick('direction', { Right: 'right', Left: 'left' } as const, 'right'),
    stride: int('stride', 0),
  };
}
function padding(v: unknown): PaddingOptions | null {
  if (!isObj(v)) return null;
  const s = v.strategy;
  return {
    length: isObj(s) && typeof s.Fixed === 'number' ? s.Fixed : 'longest',
    direction: v.direction === 'Left' ? 'left' : 'right',
    padId: num(v, 'pad_id', 'padding', 0), padTypeId: num(v, 'pad_type_id', 'padding', 0), padToken: str(v, 'pad_token', 'padding', '[PAD]'),
    padToMultipleOf: (v.pad_to_multiple_of as number | null) ?? undefined,
  };
}

export function tokenizerFromJSON(json: string | J): Tokenizer {
  let o: unknown = json;
  if (typeof json === 'string') {
    try { o = JSON.parse(json); } catch (e) { throw new TokenizerError('INVALID_JSON', `tokenizer.json is not valid JSON: ${(e as Error).message}`); }
  }
  if (!isObj(o)) throw new TokenizerError('INVALID_JSON', 'tokenizer.json must hold an object');
  if (o.model === undefined) throw new TokenizerError('INVALID_FIELD', 'tokenizer.json: model is missing');
  const opt = <T>(v: unknown, f: (x: unknown) => T): T | null => (v === undefined || v === null ? null : f(v));
  return new Tokenizer({
    model: model(o.model),
    normalizer: opt(o.normalizer, (x) => normalizer(x)),
    preTokenizer: opt(o.pre_tokenizer, (x) => preTokenizer(x)),
    postProcessor: opt(o.post_processor, (x) => postProcessor(x)),
    decoder: opt(o.decoder, (x) => decoder(x)),
    addedTokens: addedTokens(o.added_tokens),
    truncation: truncation(o.truncation),
    padding: padding(o.padding),
  });
}
