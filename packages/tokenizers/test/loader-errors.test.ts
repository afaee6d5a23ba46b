// The corruptions that raised raw TypeErrors (issue 18) and the checks of every loader: each gives a
// typed error naming the file, the field path, what was there and what was expected.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer, TokenizerError } from '../src/index.js';
import { fixtures } from './helpers.js';

const read = (n: string) => JSON.parse(readFileSync(join(fixtures, n, 'tokenizer.json'), 'utf8'));
const t5 = read('t5-small'), gpt2 = read('gpt2'), bert = read('bert-base-uncased');
const msg = (f: () => unknown) => {
  try { f(); } catch (e) {
    if (!(e instanceof TokenizerError)) throw e;
    expect(e.message.length).toBeLessThan(400);
    return `${e.code} ${e.message}`;
  }
  return 'no error';
};
/** Load a copy of `j` after `edit`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tokenizer.json trees are edited freely here
const load = (j: Record<string, any>, edit: (c: Record<string, any>) => void) => msg(() => { const c = structuredClone(j); edit(c); return Tokenizer.fromJSON(c); });

describe('tokenizer.json: typed errors naming the field path', () => {
  it('t5 post-processor templates, special-token maps and added tokens (raw TypeErrors before)', () => {
    expect(load(t5, (c) => { c.post_processor.pair[1] = false; })).toBe('INVALID_FIELD tokenizer.json: post_processor.pair[1] must be an object, got false');
    expect(load(t5, (c) => { c.post_processor.single[0] = ''; })).toBe('INVALID_FIELD tokenizer.json: post_processor.single[0] must be an object, got ""');
    expect(load(t5, (c) => { c.post_processor.pair[1].SpecialToken = null; })).toBe('INVALID_FIELD tokenizer.json: post_processor.pair[1].SpecialToken must be an object, got null');
    expect(load(t5, (c) => { c.post_processor.special_tokens['</s>'].tokens = 2 ** 53 + 2; })).toBe('INVALID_FIELD tokenizer.json: post_processor.special_tokens["</s>"].tokens must be an array, got 9007199254740994');
    expect(load(t5, (c) => { c.post_processor.special_tokens['</s>'].ids[0] = null; })).toBe('INVALID_FIELD tokenizer.json: post_processor.special_tokens["</s>"].ids[0] must be an integer in [0, 2147483647], got null');
    expect(load(t5, (c) => { c.post_processor.special_tokens['</s>'].ids.push(5); })).toMatch(/^INVALID_FIELD tokenizer\.json: post_processor\.special_tokens\["<\/s>"\]\.tokens must be as many tokens as ids \(2\)/);
    expect(load(t5, (c) => { c.post_processor.single[1].SpecialToken.id = 'nope'; })).toBe('INVALID_FIELD tokenizer.json: post_processor.single[1] must be a special token defined in post_processor.special_tokens, got "nope"');
    expect(load(t5, (c) => { c.added_tokens[0] = null; })).toBe('INVALID_FIELD tokenizer.json: added_tokens[0] must be an object, got null');
    expect(load(t5, (c) => { c.added_tokens[3].id = -1; })).toBe('INVALID_FIELD tokenizer.json: added_tokens[3].id must be an integer in [0, 2147483647], got -1');
    expect(load(t5, (c) => { c.added_tokens[3].special = 'yes'; })).toBe('INVALID_FIELD tokenizer.json: added_tokens[3].special must be a boolean or null, got "yes"');
    expect(load(t5, (c) => { c.model.vocab[7] = ['x', null]; })).toBe('INVALID_FIELD tokenizer.json: model.vocab[7] must be [piece (string), score (finite number)], got ["x", null]');
    expect(load(t5, (c) => { c.model.unk_id = 1e9; })).toBe('INVALID_FIELD tokenizer.json: model.unk_id must be an integer in [0, 32099], got 1000000000');
    expect(load(t5, (c) => { c.pre_tokenizer.pretokenizers[1].prepend_scheme = 3; })).toMatch(/^INVALID_FIELD tokenizer\.json: pre_tokenizer\.pretokenizers\[1\]\.prepend_scheme must be one of always, first, never, got 3/);
    expect(load(t5, (c) => { c.normalizer.precompiled_charsmap = null; })).toBe('INVALID_FIELD tokenizer.json: normalizer.precompiled_charsmap is missing (expected a string)');
    expect(load(t5, (c) => { c.post_processor.single = '$A:x </s>'; })).toMatch(/^INVALID_FIELD tokenizer\.json: post_processor\.single \(word 0\) must be a piece with an integer type id/);
  });
  it('BPE fields are checked as WordPiece ones are', () => {
    expect(load(gpt2, (c) => { c.model.unk_token = 5; })).toBe('INVALID_FIELD tokenizer.json: model.unk_token must be a string or null, got 5');
    expect(load(gpt2, (c) => { c.model.vocab['!'] = 'x'; })).toBe('INVALID_FIELD tokenizer.json: model.vocab["!"] must be an integer in [0, 1073741823], got "x"');
    expect(load(gpt2, (c) => { c.model.dropout = 2; })).toBe('INVALID_FIELD tokenizer.json: model.dropout must be a number in [0, 1] or null, got 2');
    expect(load(gpt2, (c) => { c.model.merges[3] = 5; })).toBe('INVALID_FIELD tokenizer.json: model.merges[3] must be "left right" or [left, right] (strings), got 5');
    expect(load(gpt2, (c) => { c.model.fuse_unk = 'no'; })).toBe('INVALID_FIELD tokenizer.json: model.fuse_unk must be a boolean or null, got "no"');
    expect(load(gpt2, (c) => { c.model.vocab = [1, 2]; })).toBe('INVALID_FIELD tokenizer.json: model.vocab must be an object, got [1, 2]');
    expect(load(bert, (c) => { c.model.max_input_chars_per_word = -1; })).toMatch(/^INVALID_FIELD tokenizer\.json: model\.max_input_chars_per_word must be an integer/);
  });
  it('truncation, padding, components and huge values', () => {
    expect(load(bert, (c) => { c.truncation = 5; })).toBe('INVALID_FIELD tokenizer.json: truncation must be an object, got 5');
    expect(load(bert, (c) => { c.padding = { strategy: { Fixed: 1e12 } }; })).toBe('INVALID_FIELD tokenizer.json: padding.strategy.Fixed must be an integer in [0, 16777216], got 1000000000000');
    expect(load(bert, (c) => { c.padding = { strategy: 'Longest' }; })).toBe('INVALID_FIELD tokenizer.json: padding.strategy must be "BatchLongest" or {"Fixed": length}, got "Longest"');
    expect(load(bert, (c) => { c.normalizer = { type: 'Replace', pattern: { String: 1 }, content: 'x' }; })).toBe('INVALID_FIELD tokenizer.json: normalizer.pattern must be {"String": string} or {"Regex": string}, got {"String"}');
    expect(load(bert, (c) => { c.decoder = { type: 'Sequence', decoders: [{ type: 'Strip', content: ' ', start: -1, stop: 0 }] }; })).toBe('INVALID_FIELD tokenizer.json: decoder.decoders[0].start must be an integer in [0, 2147483647], got -1');
    expect(load(bert, (c) => { c.post_processor = { type: 'BertProcessing', sep: ['[SEP]', 'x'], cls: ['[CLS]', 101] }; })).toBe('INVALID_FIELD tokenizer.json: post_processor.sep[1] must be an integer in [0, 2147483647], got "x"');
    expect(load(bert, (c) => { c.model.unk_token = 'x'.repeat(100_000); })).toMatch(/^INVALID_FIELD model\.unk_token "x{20,}.*100000 chars\) is not in model\.vocab$/);
  });
});

describe('other loaders: typed errors', () => {
  const te = new TextEncoder();
  it('vocab.json, merges.txt, vocab.txt, .tiktoken, .model', () => {
    const merges = te.encode('#version: 0.2\nĠ t\n');
    expect(msg(() => Tokenizer.fromGpt2Files(te.encode('[1, 2]'), merges))).toBe('INVALID_VOCAB vocab.json must be an object of token -> id');
    expect(msg(() => Tokenizer.fromGpt2Files(te.encode('{"a": "b"}'), merges))).toBe('INVALID_VOCAB vocab.json: ["a"] must be an integer in [0, 1073741823], got "b"');
    expect(msg(() => Tokenizer.fromGpt2Files(te.encode('{"a": 0}'), te.encode('a b c\n')))).toMatch(/^INVALID_VOCAB merges\.txt line 1: expected "left right"/);
    expect(msg(() => Tokenizer.fromBertVocab(te.encode('a\nb\n')))).toBe('INVALID_VOCAB vocab.txt has no [UNK] token');
    expect(msg(() => Tokenizer.fromTiktoken(te.encode('IQ== 99999999999\n'), { name: 'r50k_base' }))).toMatch(/^INVALID_VOCAB tiktoken line 1: bad rank "99999999999"/);
    expect(msg(() => Tokenizer.fromSentencePiece(Uint8Array.of(0x0a, 0x80)))).toMatch(/^INVALID_MODEL_FILE SentencePiece model: ModelProto: truncated varint/);
  });
});
