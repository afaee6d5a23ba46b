// tokenizer.json (HF `tokenizers` format) -> Tokenizer. Every field read is checked and named.
import { describe, fail } from '../errors.js';
import { BPE } from '../models/bpe.js';
import { WordPiece } from '../models/wordpiece.js';
import { Unigram } from '../models/unigram.js';
import type { Model } from '../models/model.js';
import * as N from '../normalizers.js';
import * as P from '../pre-tokenizers.js';
import * as PP from '../post-processors.js';
import * as D from '../decoders.js';
import { Tokenizer } from '../tokenizer.js';
import type { PaddingOptions } from '../padding.js';
import type { TruncationOptions } from '../truncation.js';
import type { AddedToken } from '../added-tokens.js';
import { Fields, isObj, sub, type J } from './fields.js';

const F: Fields = new Fields('tokenizer.json');
/** The largest fixed padding length a file may ask for (a larger one would not fit in memory anyway). */
export const MAX_PAD_LENGTH = 1 << 24;

function tokenIdMap(v: unknown, path: string): Map<string, number> {
  const o = F.obj(v, path);
  const m = new Map<string, number>();
  for (const k of Object.keys(o)) m.set(k, F.intValue(o[k], sub(path, k), 0, 2 ** 30 - 1));
  return m;
}

function model(o: unknown): Model {
  const w = 'model';
  const j = F.obj(o, w);
  let t: string;
  if (j.type === undefined || j.type === null) t = Array.isArray(j.vocab) ? 'Unigram' : j.merges !== undefined ? 'BPE' : 'WordPiece';
  else t = F.str(j, 'type', w);
  if (t === 'BPE') {
    const vocab = tokenIdMap(j.vocab ?? F.missing('model.vocab', 'an object of token -> id'), 'model.vocab');
    const merges = F.arr(j, 'merges', w);
    merges.forEach((m, i) => {
      if (typeof m === 'string') return;
      if (!Array.isArray(m) || m.length !== 2 || typeof m[0] !== 'string' || typeof m[1] !== 'string') F.bad(`model.merges[${i}]`, '"left right" or [left, right] (strings)', m);
    });
    const dropout = j.dropout === undefined || j.dropout === null ? null : F.num(j, 'dropout', w);
    if (dropout !== null && !(dropout >= 0 && dropout <= 1)) F.bad('model.dropout', 'a number in [0, 1] or null', dropout);
    return new BPE({
      vocab, merges: merges as Array<[string, string] | string>,
      unkToken: F.strOrNull(j, 'unk_token', w), continuingSubwordPrefix: F.strOrNull(j, 'continuing_subword_prefix', w),
      endOfWordSuffix: F.strOrNull(j, 'end_of_word_suffix', w), fuseUnk: F.boolOrNull(j, 'fuse_unk', w) ?? false,
      byteFallback: F.boolOrNull(j, 'byte_fallback', w) ?? false, dropout, ignoreMerges: F.boolOrNull(j, 'ignore_merges', w) ?? false,
    });
  }
  if (t === 'WordPiece') {
    const vocab = tokenIdMap(j.vocab ?? F.missing('model.vocab', 'an object of token -> id'), 'model.vocab');
    return new WordPiece({
      vocab, unkToken: F.str(j, 'unk_token', w, '[UNK]'),
      continuingSubwordPrefix: F.str(j, 'continuing_subword_prefix', w, '##'), maxInputCharsPerWord: F.int(j, 'max_input_chars_per_word', w, 100, 0, Number.MAX_SAFE_INTEGER),
    });
  }
  if (t === 'Unigram') {
    const vocab = F.arr(j, 'vocab', w);
    if (vocab.length === 0) F.bad('model.vocab', 'a non-empty array of [piece, score]', vocab);
    vocab.forEach((e, i) => {
      if (!Array.isArray(e) || e.length < 2 || typeof e[0] !== 'string' || typeof e[1] !== 'number' || !Number.isFinite(e[1])) F.bad(`model.vocab[${i}]`, '[piece (string), score (finite number)]', e);
    });
    const unkId = F.intOrNull(j, 'unk_id', w, 0, vocab.length - 1);
    // paths are scored with the values HF's serde_json reads (see serde-float.ts): ties then break as in HF
    return new Unigram({ vocab: vocab as Array<[string, number]>, unkId, byteFallback: F.boolOrNull(j, 'byte_fallback', w) ?? false, serdeScores: true });
  }
  return fail('UNSUPPORTED', `tokenizer.json: model.type ${describe(t.slice(0, 40))} is not supported (BPE, WordPiece, Unigram)`);
}

function pattern(j: J, w: string): N.Pattern {
  const p = j.pattern;
  const path = sub(w, 'pattern');
  if (p === undefined || p === null) F.missing(path, '{"String": ...} or {"Regex": ...}');
  const o = F.obj(p, path);
  if (typeof o.String === 'string') return { String: o.String };
  if (typeof o.Regex === 'string') return { Regex: o.Regex };
  return F.bad(path, '{"String": string} or {"Regex": string}', p);
}

function list<T>(j: J, k: string, w: string, f: (x: unknown, w: string) => T): T[] {
  return F.arr(j, k, w).map((x, i) => f(x, `${sub(w, k)}[${i}]`));
}

export function normalizer(o: unknown, w = 'normalizer'): N.Normalizer {
  const t = F.type(o, w);
  const j = o as J;
  switch (t) {
    case 'NFC': case 'NFD': case 'NFKC': case 'NFKD': return new N.UnicodeNormalizer(t);
    case 'Lowercase': return new N.Lowercase();
    case 'StripAccents': return new N.StripAccents();
    case 'Strip': return new N.Strip(F.bool(j, 'strip_left', w, true), F.bool(j, 'strip_right', w, true));
    case 'Prepend': return new N.Prepend(F.str(j, 'prepend', w));
    case 'Replace': return new N.Replace(pattern(j, w), F.str(j, 'content', w));
    case 'BertNormalizer': return new N.BertNormalizer(F.bool(j, 'clean_text', w, true), F.bool(j, 'handle_chinese_chars', w, true), F.boolOrNull(j, 'strip_accents', w), F.bool(j, 'lowercase', w, true));
    case 'Precompiled': return new N.Precompiled(F.str(j, 'precompiled_charsmap', w));
    case 'Sequence': return new N.NormalizerSequence(list(j, 'normalizers', w, normalizer));
    default: return fail('UNSUPPORTED', `tokenizer.json: ${w}.type ${describe(t.slice(0, 40))} is not supported`);
  }
}

function prependScheme(j: J, w: string): P.PrependScheme {
  if (j.prepend_scheme === undefined || j.prepend_scheme === null) return F.boolOrNull(j, 'add_prefix_space', w) === false ? 'never' : 'always';
  return F.oneOf(j, 'prepend_scheme', w, ['always', 'first', 'never'] as const);
}
function replacement(j: J, w: string): string {
  const r = F.str(j, 'replacement', w, '\u2581');
  if ([...r].length !== 1) F.bad(sub(w, 'replacement'), 'one character', r);
  return r;
}
const BEHAVIORS = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'] as const;

export function preTokenizer(o: unknown, w = 'pre_tokenizer'): P.PreTokenizer {
  const t = F.type(o, w);
  const j = o as J;
  switch (t) {
    case 'ByteLevel': return new P.ByteLevel(F.bool(j, 'add_prefix_space', w, true), F.bool(j, 'trim_offsets', w, true), F.bool(j, 'use_regex', w, true));
    case 'Split': return new P.Split(pattern(j, w), F.oneOf(j, 'behavior', w, BEHAVIORS), F.bool(j, 'invert', w, false));
    case 'Whitespace': return new P.Whitespace();
    case 'WhitespaceSplit': return new P.WhitespaceSplit();
    case 'BertPreTokenizer': return new P.BertPreTokenizer();
    case 'Metaspace': return new P.Metaspace(replacement(j, w), prependScheme(j, w), F.bool(j, 'split', w, true));
    case 'Digits': return new P.Digits(F.bool(j, 'individual_digits', w, false));
    case 'Punctuation': return new P.Punctuation(F.oneOf(j, 'behavior', w, BEHAVIORS, 'Isolated'));
    case 'Sequence': return new P.PreTokenizerSequence(list(j, 'pretokenizers', w, preTokenizer));
    default: return fail('UNSUPPORTED', `tokenizer.json: ${w}.type ${describe(t.slice(0, 40))} is not supported`);
  }
}

function tokPair(j: J, k: string, w: string): [string, number] {
  const path = sub(w, k);
  const v = j[k];
  if (v === undefined || v === null) F.missing(path, '[token, id]');
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string') F.bad(path, '[token (string), id (integer)]', v);
  return [v[0], F.intValue(v[1], `${path}[1]`)];
}

type Piece = PP.TemplatePiece;
function templatePiece(v: unknown, path: string): Piece {
  const o = F.obj(v, path);
  const keys = Object.keys(o);
  if (keys.length !== 1 || (keys[0] !== 'SpecialToken' && keys[0] !== 'Sequence')) F.bad(path, '{"SpecialToken": {id, type_id}} or {"Sequence": {id, type_id}}', v);
  if (keys[0] === 'SpecialToken') {
    const p = sub(path, 'SpecialToken');
    const s = F.obj(o.SpecialToken, p);
    return { SpecialToken: { id: F.str(s, 'id', p), type_id: F.int(s, 'type_id', p, 0) } };
  }
  const p = sub(path, 'Sequence');
  const s = F.obj(o.Sequence, p);
  return { Sequence: { id: F.oneOf(s, 'id', p, ['A', 'B'] as const), type_id: F.int(s, 'type_id', p, 0) } };
}
function template(j: J, k: string, w: string): Piece[] {
  const path = sub(w, k);
  const v = j[k];
  if (v === undefined || v === null) F.missing(path, 'a template (string or array of pieces)');
  if (typeof v === 'string') {
    const words = v.trim().split(/\s+/).filter((x) => x.length > 0);
    return words.map((word, i) => {
      const c = word.lastIndexOf(':');
      const name = c > 0 ? word.slice(0, c) : word, t = c > 0 ? word.slice(c + 1) : undefined;
      const typeId = t === undefined ? 0 : /^\d{1,9}$/.test(t) ? Number(t) : F.bad(`${path} (word ${i})`, 'a piece with an integer type id such as "$A:0"', word);
      if (name === '$A' || name === '$') return { Sequence: { id: 'A' as const, type_id: typeId } };
      if (name === '$B') return { Sequence: { id: 'B' as const, type_id: typeId } };
      if (/^\$\d{1,9}$/.test(name) && c < 0) return { Sequence: { id: 'A' as const, type_id: Number(name.slice(1)) } }; // HF: "$1" is $A with type id 1
      if (name.startsWith('$')) F.bad(`${path} (word ${i})`, '$A, $B or a special token', word);
      return { SpecialToken: { id: name, type_id: typeId } };
    });
  }
  if (!Array.isArray(v)) F.bad(path, 'a template (string or array of pieces)', v);
  return v.map((x, i) => templatePiece(x, `${path}[${i}]`));
}
function specialTokens(j: J, w: string): Record<string, PP.SpecialTokenDef> {
  const path = sub(w, 'special_tokens');
  const v = j.special_tokens;
  if (v === undefined || v === null) return {};
  const o = F.obj(v, path);
  const out: Record<string, PP.SpecialTokenDef> = Object.create(null);
  for (const k of Object.keys(o)) {
    const p = sub(path, k);
    const d = F.obj(o[k], p);
    const ids = F.arr(d, 'ids', p).map((x, i) => F.intValue(x, `${sub(p, 'ids')}[${i}]`));
    const tokens = F.arr(d, 'tokens', p).map((x, i) => (typeof x === 'string' ? x : F.bad(`${sub(p, 'tokens')}[${i}]`, 'a string', x)));
    if (ids.length !== tokens.length) F.bad(sub(p, 'tokens'), `as many tokens as ids (${ids.length})`, tokens);
    out[k] = { id: F.str(d, 'id', p, k), ids, tokens };
  }
  return out;
}

export function postProcessor(o: unknown, w = 'post_processor'): PP.PostProcessor {
  const t = F.type(o, w);
  const j = o as J;
  switch (t) {
    case 'TemplateProcessing': {
      const single = template(j, 'single', w), pair = template(j, 'pair', w), sp = specialTokens(j, w);
      for (const [k, tpl] of [['single', single], ['pair', pair]] as const) {
        tpl.forEach((p, i) => {
          if ('SpecialToken' in p && !Object.prototype.hasOwnProperty.call(sp, p.SpecialToken.id)) F.bad(`${sub(w, k)}[${i}]`, `a special token defined in ${w}.special_tokens`, p.SpecialToken.id);
        });
      }
      return new PP.TemplateProcessing(single, pair, sp);
    }
    case 'BertProcessing': return new PP.BertProcessing(tokPair(j, 'sep', w), tokPair(j, 'cls', w));
    case 'RobertaProcessing': return new PP.RobertaProcessing(tokPair(j, 'sep', w), tokPair(j, 'cls', w), F.bool(j, 'trim_offsets', w, true), F.bool(j, 'add_prefix_space', w, true));
    case 'ByteLevel': return new PP.ByteLevelProcessing(F.bool(j, 'add_prefix_space', w, true), F.bool(j, 'trim_offsets', w, true), F.bool(j, 'use_regex', w, true));
    case 'Sequence': return new PP.PostProcessorSequence(list(j, 'processors', w, postProcessor));
    default: return fail('UNSUPPORTED', `tokenizer.json: ${w}.type ${describe(t.slice(0, 40))} is not supported`);
  }
}

export function decoder(o: unknown, w = 'decoder'): D.Decoder {
  const t = F.type(o, w);
  const j = o as J;
  switch (t) {
    case 'ByteLevel': return new D.ByteLevelDecoder();
    case 'WordPiece': return new D.WordPieceDecoder(F.str(j, 'prefix', w, '##'), F.bool(j, 'cleanup', w, true));
    case 'Metaspace': return new D.MetaspaceDecoder(replacement(j, w), prependScheme(j, w), F.bool(j, 'split', w, true));
    case 'BPEDecoder': return new D.BPEDecoder(F.str(j, 'suffix', w, '</w>'));
    case 'ByteFallback': return new D.ByteFallbackDecoder();
    case 'Fuse': return new D.FuseDecoder();
    case 'Strip': return new D.StripDecoder(F.str(j, 'content', w), F.int(j, 'start', w, 0), F.int(j, 'stop', w, 0));
    case 'Replace': return new D.ReplaceDecoder(pattern(j, w), F.str(j, 'content', w));
    case 'Sequence': return new D.DecoderSequence(list(j, 'decoders', w, decoder));
    default: return fail('UNSUPPORTED', `tokenizer.json: ${w}.type ${describe(t.slice(0, 40))} is not supported`);
  }
}

function addedTokens(v: unknown): AddedToken[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) F.bad('added_tokens', 'an array', v);
  return v.map((x, i) => {
    const w = `added_tokens[${i}]`;
    const o = F.obj(x, w);
    const flag = (k: string) => F.boolOrNull(o, k, w) ?? false;
    return { id: F.int(o, 'id', w), content: F.str(o, 'content', w), singleWord: flag('single_word'), lstrip: flag('lstrip'), rstrip: flag('rstrip'), normalized: flag('normalized'), special: flag('special') };
  });
}

function truncation(v: unknown): TruncationOptions | null {
  if (v === undefined || v === null) return null;
  const w = 'truncation';
  const o = F.obj(v, w);
  const pick = <T>(k: string, map: Record<string, T>): T => map[F.oneOf(o, k, w, Object.keys(map), Object.keys(map)[0])]!;
  return {
    maxLength: F.int(o, 'max_length', w),
    strategy: pick('strategy', { LongestFirst: 'longest_first', OnlyFirst: 'only_first', OnlySecond: 'only_second' } as const),
    direction: pick('direction', { Right: 'right', Left: 'left' } as const),
    stride: F.int(o, 'stride', w, 0),
  };
}
function padding(v: unknown): PaddingOptions | null {
  if (v === undefined || v === null) return null;
  const w = 'padding';
  const o = F.obj(v, w);
  const s = o.strategy;
  let length: number | 'longest' = 'longest';
  if (isObj(s) && 'Fixed' in s) length = F.int(s, 'Fixed', 'padding.strategy', undefined, 0, MAX_PAD_LENGTH);
  else if (s !== undefined && s !== null && s !== 'BatchLongest') F.bad('padding.strategy', '"BatchLongest" or {"Fixed": length}', s);
  const multiple = F.intOrNull(o, 'pad_to_multiple_of', w, 0, MAX_PAD_LENGTH);
  return {
    length, direction: F.oneOf(o, 'direction', w, ['Right', 'Left'] as const, 'Right') === 'Left' ? 'left' : 'right',
    padId: F.int(o, 'pad_id', w, 0), padTypeId: F.int(o, 'pad_type_id', w, 0), padToken: F.str(o, 'pad_token', w, '[PAD]'),
    padToMultipleOf: multiple || undefined,
  };
}

export function tokenizerFromJSON(json: string | J): Tokenizer {
  let o: unknown = json;
  if (typeof json === 'string') {
    try { o = JSON.parse(json); } catch (e) { fail('INVALID_JSON', `tokenizer.json is not valid JSON: ${(e as Error).message.slice(0, 200)}`); }
  }
  if (!isObj(o)) fail('INVALID_JSON', 'tokenizer.json must hold an object');
  if (o.model === undefined || o.model === null) F.missing('model', 'an object');
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
