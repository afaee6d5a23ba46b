import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '../src/index.js';
import { fixtures } from './helpers.js';

const cases = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')).tokenizers as Record<string, { cases: Array<{ name: string; text: string; text_pair?: string; ids: number[]; tokens: string[]; type_ids?: number[] }> }>;

describe.each(Object.keys(cases))('cases.json replay: %s', (name) => {
  const tok = Tokenizer.fromFile(join(fixtures, name, 'tokenizer.json'));
  const again = Tokenizer.fromJSON(tok.toString());
  it.each(cases[name]!.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const e = tok.encode(c.text, c.text_pair ?? null);
    expect(e.ids).toEqual(c.ids);
    if (c.type_ids) expect(e.typeIds).toEqual(c.type_ids);
    // unknown Unigram pieces are reported by their covered text, as HF does
    expect(e.tokens).toEqual(c.tokens);
    expect(e.attentionMask.every((x) => x === 1)).toBe(true);
    expect(e.offsets.length).toBe(e.ids.length);
    // load -> save -> load gives identical encodings
    expect(again.encode(c.text, c.text_pair ?? null).ids).toEqual(c.ids);
  });
});
