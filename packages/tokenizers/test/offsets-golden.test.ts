import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { Tokenizer } from '../src/index.js';
import { EDGE_CASES, fixtures } from './helpers.js';

// HF `tokenizers` (Rust, npm binding) reports offsets in code points; ours are UTF-16 units.
const hf = createRequire(import.meta.url)('tokenizers') as {
  Tokenizer: { fromFile(p: string): Promise<{ encode(t: string, p?: string | null): Promise<{ getOffsets(): Array<[number, number]>; getIds(): number[]; getSequenceIds(): Array<number | null> }> }> };
};
const cases = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')).tokenizers as Record<string, { cases: Array<{ text: string; text_pair?: string }> }>;

const EXTRA: Array<[string, string?]> = [
  ['Café naïve résumé ÀÉÎÕÜ'], ['e\u0301te\u0301 cafe\u0301'], ['中文 字符 混合 English 和 日本語'], ['😀👍🏽 x😀y 👨‍👩‍👧‍👦'],
  ['a\u200bb \u200b c\u200d\u200cd \u2060'], ['  lead'], ['trail  '], ['   '], [' a '], ['\u00e9\u00e9'], ['ÿ€𝐀 中'],
  ['İstanbul ß ﬁ'], ['x', 'pair 😀 é'], ['Hello  world', ' second  one '], ['\u0301start'], ['a\u0000b\ufffdc'],
];

function toUnits(text: string): number[] {
  const m: number[] = [];
  let u = 0;
  for (const ch of text) { m.push(u); u += ch.length; }
  m.push(u);
  return m;
}

// gpt2 with add_prefix_space and trim_offsets on (RoBERTa-like): prepended space and offset trimming
const variant = (() => {
  const j = JSON.parse(readFileSync(join(fixtures, 'gpt2', 'tokenizer.json'), 'utf8'));
  j.pre_tokenizer.add_prefix_space = true;
  j.post_processor.trim_offsets = true;
  const p = join(mkdtempSync(join(tmpdir(), 'tess-offsets-')), 'tokenizer.json');
  writeFileSync(p, JSON.stringify(j));
  return p;
})();

describe.each(['gpt2', 'bert-base-uncased', 't5-small', 'gpt2-prefix-trim'])('offsets equal HF tokenizers: %s', (name) => {
  it('cases.json texts and edge cases', async () => {
    const path = name === 'gpt2-prefix-trim' ? variant : join(fixtures, name, 'tokenizer.json');
    if (name === 'gpt2-prefix-trim') name = 'gpt2';
    const ours = Tokenizer.fromFile(path);
    const theirs = await hf.Tokenizer.fromFile(path);
    const inputs: Array<[string, string?]> = [
      ...cases[name]!.cases.map((c) => [c.text, c.text_pair] as [string, string?]),
      ...EDGE_CASES.map((t) => [t] as [string]), ...EXTRA,
    ];
    const bad: string[] = [];
    for (const [text, pair] of inputs) {
      const h = await theirs.encode(text, pair ?? null);
      const e = ours.encode(text, pair ?? null);
      expect(e.ids).toEqual(h.getIds());
      const ma = toUnits(text), mb = pair == null ? null : toUnits(pair);
      const seq = h.getSequenceIds();
      const want = h.getOffsets().map(([a, b], i) => { const m = seq[i] === 1 && mb ? mb : ma; return [m[a], m[b]]; });
      if (JSON.stringify(e.offsets) !== JSON.stringify(want)) bad.push(`${JSON.stringify(text).slice(0, 60)}: ours ${JSON.stringify(e.offsets).slice(0, 200)} hf ${JSON.stringify(want).slice(0, 200)}`);
      for (const [a, b] of e.offsets) expect(a <= b).toBe(true);
    }
    expect(bad).toEqual([]);
  }, 60_000);
});
