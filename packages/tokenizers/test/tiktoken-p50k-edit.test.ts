import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Tokenizer, TIKTOKEN_ENCODINGS, TokenizerError } from '../src/index.js';
import { EDGE_CASES, corpusChunks, nodeModules } from './helpers.js';

const tiktoken = createRequire(import.meta.url)('tiktoken') as {
  get_encoding(name: string): { encode(text: string, allowed?: 'all' | string[]): Uint32Array; special_tokens_map?: unknown; free(): void };
};

describe('tiktoken p50k_edit', () => {
  const ranks = join(nodeModules, 'gpt-tokenizer', 'data', 'p50k_base.tiktoken');
  it('p50k_base ranks and pattern with the FIM special tokens: the same ids as tiktoken with specials allowed', () => {
    expect(TIKTOKEN_ENCODINGS.p50k_edit!.specialTokens).toEqual({ '<|endoftext|>': 50256, '<|fim_prefix|>': 50281, '<|fim_middle|>': 50282, '<|fim_suffix|>': 50283 });
    const ours = Tokenizer.fromTiktoken(ranks, { name: 'p50k_edit' });
    const ref = tiktoken.get_encoding('p50k_edit');
    try {
      const texts = [
        '<|fim_prefix|>def f(x):\n    <|fim_suffix|>\n    return y<|fim_middle|>', 'a<|fim_prefix|>b<|fim_middle|>c<|fim_suffix|>d<|endoftext|>',
        '<|fim_prefix|><|fim_prefix|>  <|fim_middle|>\t<|endoftext|><|endoftext|>', 'no specials at all, just    spaces\n\n\nand 12345 digits',
        ...EDGE_CASES, ...corpusChunks().slice(0, 40).map((c, i) => c.slice(0, 2000) + ['<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|endoftext|>'][i % 4] + c.slice(2000, 3000)),
      ];
      let specials = 0;
      for (const t of texts) {
        const want = Array.from(ref.encode(t, 'all'));
        const got = ours.encodeIds(t);
        expect(got).toEqual(want);
        specials += got.filter((id) => id >= 50281 && id <= 50283).length;
        expect(ours.decode(got, { skipSpecialTokens: false })).toBe(t);
      }
      expect(specials).toBeGreaterThanOrEqual(38);
      // the specials decode as themselves and are skipped by default
      expect(ours.decode([50281, 64, 50282])).toBe('a');
      expect(ours.idToToken(50283)).toBe('<|fim_suffix|>');
    } finally { ref.free(); }
  });
  it('p50k_base stays without the FIM tokens; unknown names list p50k_edit', () => {
    const base = Tokenizer.fromTiktoken(ranks, { name: 'p50k_base' });
    expect(base.encodeIds('<|fim_prefix|>')).not.toContain(50281);
    try { Tokenizer.fromTiktoken(ranks, { name: 'p50k_edits' }); expect.unreachable(); } catch (e) {
      expect(e).toBeInstanceOf(TokenizerError);
      expect((e as TokenizerError).message).toMatch(/p50k_edit/);
    }
  });
});
