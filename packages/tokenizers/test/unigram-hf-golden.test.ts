import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { Tokenizer } from '../src/index.js';
import { serdeF64 } from '../src/serde-float.js';
import { mulberry32 } from '../src/models/model.js';
import { corpusChunks, EDGE_CASES, fixtures, mb } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tess-unigram-'));
let files = 0;
/** A bare Unigram tokenizer.json (no normalizer / pre-tokenizer) written to a temp file. */
function bare(vocab: Array<[string, number]>, unkId: number | null, byteFallback = false): string {
  const p = join(dir, `u${files++}.json`);
  writeFileSync(p, JSON.stringify({ version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, model: { type: 'Unigram', unk_id: unkId, vocab, byte_fallback: byteFallback } }));
  return p;
}
const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

describe('Unigram scores are read as HF reads tokenizer.json (serde_json)', () => {
  it('serdeF64 gives the f64 HF holds for 20000 scores', () => {
    const rng = mulberry32(5);
    const scores: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const k = i % 4;
      // float32 log-probs (as in converted SentencePiece vocabs), random doubles, tiny and huge magnitudes
      const x = k === 0 ? Math.fround(-rng() * 20) : k === 1 ? -rng() * 30 : k === 2 ? -rng() * 10 ** -(1 + Math.floor(rng() * 12)) : -rng() * 10 ** Math.floor(rng() * 25);
      scores.push(x);
    }
    scores.push(0, -1, -0.5, -1e-5, -9.999e-6, -1e16, -9.5e15, -1e21, -123456789.125);
    // HF writes the f64 it holds with ryu's shortest digits (as in every HF-written tokenizer.json),
    // which JSON.parse reads exactly: `written` is a file as HF writes it, `held` what HF reads from it
    const readBack = (p: string) => (JSON.parse(readFileSync(p, 'utf8')).model.vocab as Array<[string, number]>).slice(1).map((e) => e[1]);
    const once = join(dir, 'hf-once.json'), twice = join(dir, 'hf-twice.json');
    HfTokenizer.fromFile(bare([['<unk>', 0], ...scores.map((s, i) => [`p${i}`, s] as [string, number])], 0)).save(once, false);
    HfTokenizer.fromFile(once).save(twice, false);
    const written = readBack(once), held = readBack(twice);
    let off = 0, bad = 0;
    written.forEach((s, i) => { if (held[i] !== s) off++; if (serdeF64(s) !== held[i]) { bad++; if (bad < 4) expect([s, serdeF64(s)]).toEqual([s, held[i]]); } });
    expect(bad).toBe(0);
    expect(off).toBeGreaterThan(100); // HF's reading really differs from JSON.parse (437 here)
  });
});

describe('Unigram from tokenizer.json vs HF tokenizers (Rust)', () => {
  it('t5-small: identical ids on the >= 5 MB corpus, edge cases and runs of "-"', async () => {
    const file = join(fixtures, 't5-small', 'tokenizer.json');
    const hf = HfTokenizer.fromFile(file);
    const tok = Tokenizer.fromFile(file);
    const runs: string[] = [];
    for (let n = 1; n <= 80; n++) runs.push('-'.repeat(n), `x ${'-'.repeat(n)} y`, '='.repeat(n), '.'.repeat(n), '_'.repeat(n), '*'.repeat(n));
    const chunks = [...EDGE_CASES, ...runs, ...corpusChunks()];
    expect(mb(chunks)).toBeGreaterThanOrEqual(5);
    let differing = 0;
    const size = 512;
    let pending = hf.encodeBatch(chunks.slice(0, size));
    for (let k = 0; k < chunks.length; k += size) {
      const ref = await pending;
      if (k + size < chunks.length) pending = hf.encodeBatch(chunks.slice(k + size, k + 2 * size));
      chunks.slice(k, k + size).forEach((c, i) => {
        const a = tok.encodeIds(c), b = ref[i]!.getIds();
        if (!same(a, b)) { differing++; if (differing < 3) expect(a, JSON.stringify(c.slice(0, 80))).toEqual(b); }
      });
    }
    expect(differing).toBe(0);
  });

  it('HF rules: the unk piece matches text, the last duplicate wins, unk runs fuse before bytes', async () => {
    const bytes = Array.from({ length: 200 }, (_, b) => [`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, -3] as [string, number]);
    const cases: Array<[string, string[]]> = [
      [bare([['<unk>', 0], ['a', -1], ['<', -2], ['u', -2], ['n', -2], ['k', -2], ['>', -2]], 0), ['<unk>', 'a<unk>a', 'zz', 'az<unk>', 'z<unk>z']],
      [bare([['<unk>', 0], ['a', -1], ['b', -1], ['ab', -5], ['ab', -1.5]], 0), ['ab', 'abab', 'aab', 'bab']],
      [bare([['<unk>', 0], ['a', -1], ['b', -1], ['ab', -1.5], ['ab', -5]], 0), ['ab', 'abab', 'aab', 'bab']],
      [bare([['<unk>', 0], ['a', -1], ...bytes], 0, true), ['a中a', 'aé', 'zz中', 'a<unk>中', '😀a']],
    ];
    for (const [path, texts] of cases) {
      const hf = HfTokenizer.fromFile(path);
      const tok = Tokenizer.fromFile(path);
      for (const t of texts) {
        const h = await hf.encode(t);
        const e = tok.encode(t);
        expect([t, e.ids, e.tokens]).toEqual([t, h.getIds(), h.getTokens()]);
      }
    }
  });

  it('random tie-heavy vocabularies with float32 scores: identical ids on 4000 strings', async () => {
    const rng = mulberry32(21);
    const alpha = ['a', 'b', '-', '.', 'é'];
    let differing = 0;
    for (let v = 0; v < 20; v++) {
      const pieces = new Map<string, number>();
      for (const c of alpha) pieces.set(c, Math.fround(-1 - rng() * 8));
      while (pieces.size < 30) {
        let p = '';
        const n = 2 + Math.floor(rng() * 4);
        for (let k = 0; k < n; k++) p += alpha[Math.floor(rng() * 3)];
        pieces.set(p, Math.fround(-2 - rng() * 14));
      }
      const path = bare([['<unk>', 0], ...pieces], 0);
      const hf = HfTokenizer.fromFile(path);
      const tok = Tokenizer.fromFile(path);
      const texts: string[] = [];
      for (let i = 0; i < 200; i++) {
        let t = '';
        const n = 1 + Math.floor(rng() * 30);
        const sub = 1 + Math.floor(rng() * 3);
        for (let k = 0; k < n; k++) t += alpha[Math.floor(rng() * sub)];
        texts.push(t);
      }
      const ref = await hf.encodeBatch(texts);
      texts.forEach((t, i) => { const a = tok.encodeIds(t), b = ref[i]!.getIds(); if (!same(a, b)) { differing++; if (differing < 3) expect(a, t).toEqual(b); } });
    }
    expect(differing).toBe(0);
  });
});
