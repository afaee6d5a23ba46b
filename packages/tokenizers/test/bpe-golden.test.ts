import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { get_encoding, type TiktokenEncoding } from 'tiktoken';
import { Tokenizer } from '../src/index.js';
import { corpusChunks, EDGE_CASES, mb, nodeModules } from './helpers.js';

const rank = (name: string) => join(nodeModules, 'gpt-tokenizer', 'data', `${name}.tiktoken`);

describe.each(['r50k_base', 'cl100k_base'])('byte-level BPE vs tiktoken %s', (name) => {
  const tok = Tokenizer.fromTiktoken(rank(name), { name });
  const ref = get_encoding(name as TiktokenEncoding);

  it('matches on edge cases and decodes them back', () => {
    for (const t of EDGE_CASES) {
      const ids = tok.encode(t).ids;
      expect(Array.isArray(ids)).toBe(true);
      expect(ids, JSON.stringify(t)).toEqual(Array.from(ref.encode(t, 'all')));
      expect(tok.decode(ids, { skipSpecialTokens: false })).toBe(t);
    }
  });

  it('gives identical ids on the >= 5 MB corpus', () => {
    const chunks = corpusChunks();
    expect(mb(chunks)).toBeGreaterThanOrEqual(5);
    let mismatches = 0, tokens = 0;
    for (const c of chunks) {
      const a = tok.encodeIds(c);
      const b = ref.encode(c, 'all');
      tokens += b.length;
      if (a.length !== b.length || a.some((x, i) => x !== b[i])) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(tokens).toBeGreaterThan(1_000_000);
  });
});

describe('o200k_base (RegExp split)', () => {
  it('matches tiktoken on edge cases and 1 MB of the corpus', () => {
    const tok = Tokenizer.fromTiktoken(rank('o200k_base'), { name: 'o200k_base' });
    const ref = get_encoding('o200k_base');
    const chunks = [...EDGE_CASES, ...corpusChunks().slice(0, 250)];
    for (const t of chunks) { const a = tok.encodeIds(t), b = ref.encode(t, 'all'); if (a.length !== b.length || a.some((x, i) => x !== b[i])) expect(a, JSON.stringify(t.slice(0, 40))).toEqual(Array.from(b)); }
  });
});

describe('GPT-2 vocab.json + merges.txt and tokenizer.json agree with r50k', () => {
  it('same ids on 0.5 MB', async () => {
    const ref = get_encoding('r50k_base');
    const json = Tokenizer.fromFile(join(__dirname, 'fixtures', 'gpt2', 'tokenizer.json'));
    const files = Tokenizer.fromGpt2Files(join(__dirname, 'fixtures', 'gpt2', 'vocab.json'), join(__dirname, 'fixtures', 'gpt2', 'merges.txt'));
    for (const c of corpusChunks().slice(0, 120)) {
      const r = Array.from(ref.encode(c, 'all'));
      expect(json.encodeIds(c)).toEqual(r);
      expect(files.encodeIds(c)).toEqual(r);
    }
  });
});
