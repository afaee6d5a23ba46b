import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Tokenizer, TokenizerError } from '../src/index.js';
import { fixtures, nodeModules } from './helpers.js';
import { mulberry32 } from '../src/models/model.js';

const r50k = () => Tokenizer.fromTiktoken(join(nodeModules, 'gpt-tokenizer', 'data', 'r50k_base.tiktoken'), { name: 'r50k_base' });

function randomString(rng: () => number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const r = rng();
    let cp: number;
    if (r < 0.4) cp = 32 + Math.floor(rng() * 95);
    else if (r < 0.5) cp = [9, 10, 13, 32, 0xa0, 0x85, 0xfeff, 0x3000][Math.floor(rng() * 8)]!;
    else if (r < 0.8) cp = 0x80 + Math.floor(rng() * 0xd000);
    else if (r < 0.9) cp = 0xe000 + Math.floor(rng() * 0x2000);
    else cp = 0x10000 + Math.floor(rng() * 0x100000);
    s += String.fromCodePoint(cp);
  }
  return s;
}

describe('byte-level BPE round trip', () => {
  it('decode(encode(x)) === x on 100k random Unicode strings', () => {
    const tok = r50k();
    const rng = mulberry32(42);
    for (let i = 0; i < 100_000; i++) {
      const s = randomString(rng, 1 + Math.floor(rng() * 12));
      const d = tok.decode(tok.encodeIds(s));
      if (d !== s) expect(d).toBe(s);
    }
  });
});

describe('encode API', () => {
  const bert = Tokenizer.fromFile(join(fixtures, 'bert-base-uncased', 'tokenizer.json'));
  it('returns all fields with offsets into the input', () => {
    const e = bert.encode('Hello, WORLD!', 'Second one');
    expect(e.tokens).toEqual(['[CLS]', 'hello', ',', 'world', '!', '[SEP]', 'second', 'one', '[SEP]']);
    expect(e.typeIds).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(e.specialTokensMask).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 1]);
    expect(e.offsets).toEqual([[0, 0], [0, 5], [5, 6], [7, 12], [12, 13], [0, 0], [0, 6], [7, 10], [0, 0]]);
    const g = r50k().encode('Hi there 😀');
    // byte tokens inside one char all get that char's range (as HF does)
    expect(g.offsets.map(([a, b]) => 'Hi there 😀'.slice(a, b))).toEqual(['Hi', ' there', ' 😀', '😀']);
  });
  it('pads and truncates batches', () => {
    const b = bert.encodeBatch(['a b c d e f', 'x'], { padding: { length: 'longest', direction: 'left' }, truncation: { maxLength: 5 } });
    expect(b[0]!.ids.length).toBe(5);
    expect(b[0]!.tokens).toEqual(['[CLS]', 'a', 'b', 'c', '[SEP]']);
    expect(b[1]!.tokens).toEqual(['[PAD]', '[PAD]', '[CLS]', 'x', '[SEP]']);
    expect(b[1]!.attentionMask).toEqual([0, 0, 1, 1, 1]);
    const p = bert.encodeBatch([['a b c d e f g', 'h i']], { truncation: { maxLength: 8, strategy: 'longest_first' } });
    expect(p[0]!.tokens).toEqual(['[CLS]', 'a', 'b', 'c', '[SEP]', 'h', 'i', '[SEP]']);
    const r = bert.encodeBatch(['a b c'], { padding: { length: 8, direction: 'right' } });
    expect(r[0]!.ids).toEqual([101, 1037, 1038, 1039, 102, 0, 0, 0]);
  });
  it('decodes, skipping specials, and streams without splitting characters', () => {
    expect(bert.decode(bert.encode('Hello, world! Done.').ids)).toBe('hello, world! done.');
    const tok = r50k();
    const text = 'Stream 😀 of 中文 text';
    const ids = tok.encode(text).ids;
    const ds = tok.decodeStream();
    const parts: string[] = [];
    for (const id of ids) { const p = ds.step(id); if (p !== null) { expect(p.includes('\ufffd')).toBe(false); parts.push(p); } }
    expect(parts.join('')).toBe(text);
  });
  it('save -> load gives identical encodings (atomic write)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tess-tok-'));
    const tok = r50k();
    tok.save(join(dir, 'tokenizer.json'));
    const back = Tokenizer.fromFile(join(dir, 'tokenizer.json'));
    const text = readFileSync(join(fixtures, 'SOURCE.md'), 'utf8');
    expect(back.encode(text).ids).toEqual(tok.encode(text).ids);
  });
});

describe('errors and fuzz', () => {
  it('raises typed errors naming the field', () => {
    const bad = (f: () => unknown, code: string, re: RegExp) => {
      try { f(); expect.unreachable(); } catch (e) { expect(e).toBeInstanceOf(TokenizerError); expect((e as TokenizerError).code).toBe(code); expect((e as Error).message).toMatch(re); }
    };
    bad(() => Tokenizer.fromJSON('{'), 'INVALID_JSON', /JSON/);
    bad(() => Tokenizer.fromJSON({ model: { type: 'BPE', vocab: { a: 0 }, merges: [['a', 'b']] } }), 'INVALID_FIELD', /model\.merges\[0\]/);
    bad(() => Tokenizer.fromJSON({ model: { type: 'WordPiece', vocab: { a: 0 } } }), 'INVALID_FIELD', /unk_token/);
    bad(() => Tokenizer.fromJSON({ model: { type: 'Unigram', vocab: [['a', 'x']] } }), 'INVALID_FIELD', /model\.vocab\[0\]/);
    bad(() => Tokenizer.fromJSON({ model: { type: 'WordPiece', vocab: { '[UNK]': 0 } }, normalizer: { type: 'Nope' } }), 'UNSUPPORTED', /normalizer\.type/);
    bad(() => Tokenizer.fromSentencePiece(Uint8Array.of(0x0a, 0x05, 1)), 'INVALID_MODEL_FILE', /SentencePiece/);
    bad(() => Tokenizer.fromTiktoken(new TextEncoder().encode('!!!! x\n'), { name: 'r50k_base' }), 'INVALID_VOCAB', /line 1/);
    bad(() => Tokenizer.fromTiktoken(new Uint8Array(0), { name: 'nope' }), 'INVALID_ARGUMENT', /unknown encoding/);
  });
  it('survives thousands of corrupted files and random strings', () => {
    const rng = mulberry32(7);
    const json = readFileSync(join(fixtures, 'bert-base-uncased', 'tokenizer.json'), 'utf8').slice(0, 4000) ;
    const gpt2 = readFileSync(join(fixtures, 't5-small', 'tokenizer.json'), 'utf8');
    const small = JSON.stringify({ model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'] }, pre_tokenizer: { type: 'Whitespace' } });
    const spm = Buffer.from((JSON.stringify({ x: 1 })));
    const sources = [Buffer.from(json), Buffer.from(small), Buffer.from(gpt2.slice(0, 3000)), spm, Buffer.from('IQ== 0\nIg== 1\n')];
    let typed = 0;
    for (let i = 0; i < 3000; i++) {
      const src = Buffer.from(sources[i % sources.length]!);
      const n = 1 + Math.floor(rng() * 6);
      for (let k = 0; k < n; k++) src[Math.floor(rng() * src.length)] = Math.floor(rng() * 256);
      const cut = rng() < 0.3 ? src.subarray(0, Math.floor(rng() * src.length)) : src;
      try {
        const t = Tokenizer.fromBuffer(cut);
        t.encode(randomString(rng, 20));
      } catch (e) {
        if (!(e instanceof TokenizerError)) throw e;
        typed++;
      }
    }
    expect(typed).toBeGreaterThan(100);
    const tok = Tokenizer.fromJSON(small);
    const bert = Tokenizer.fromFile(join(fixtures, 'bert-base-uncased', 'tokenizer.json'));
    const t5 = Tokenizer.fromFile(join(fixtures, 't5-small', 'tokenizer.json'));
    for (let i = 0; i < 3000; i++) {
      const s = randomString(rng, Math.floor(rng() * 40));
      tok.encode(s); bert.encode(s); t5.encode(s);
    }
  });
});
