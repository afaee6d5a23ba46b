// tiktoken rank files ("<base64 bytes> <rank>" per line) and the four OpenAI encodings.
import { TokenizerError } from '../errors.js';
import { BPE } from '../models/bpe.js';
import { ByteLevel, PreTokenizerSequence, Split } from '../pre-tokenizers.js';
import { ByteLevelDecoder } from '../decoders.js';
import { CL100K_PATTERN, O200K_PATTERN, R50K_PATTERN } from '../scanners.js';
import { Tokenizer } from '../tokenizer.js';

export const TIKTOKEN_ENCODINGS: Record<string, { pattern: string; specialTokens: Record<string, number> }> = {
  r50k_base: { pattern: R50K_PATTERN, specialTokens: { '<|endoftext|>': 50256 } },
  p50k_base: { pattern: R50K_PATTERN, specialTokens: { '<|endoftext|>': 50256 } },
  cl100k_base: {
    pattern: CL100K_PATTERN,
    specialTokens: { '<|endoftext|>': 100257, '<|fim_prefix|>': 100258, '<|fim_middle|>': 100259, '<|fim_suffix|>': 100260, '<|endofprompt|>': 100276 },
  },
  o200k_base: { pattern: O200K_PATTERN, specialTokens: { '<|endoftext|>': 199999, '<|endofprompt|>': 200018 } },
};

const B64 = new Int16Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => { B64[c.charCodeAt(0)] = i; });

/** Parse a .tiktoken file into id -> latin1 byte string. */
export function parseTiktoken(bytes: Uint8Array): string[] {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const keys: string[] = [];
  const seen = new Set<string>();
  let line = 0;
  for (let p = 0; p < text.length; ) {
    let e = text.indexOf('\n', p);
    if (e < 0) e = text.length;
    line++;
    const l = text.slice(p, e).trim();
    p = e + 1;
    if (!l) continue;
    const sp = l.indexOf(' ');
    if (sp <= 0) throw new TokenizerError('INVALID_VOCAB', `tiktoken line ${line}: expected "<base64> <rank>"`);
    const rank = Number(l.slice(sp + 1));
    if (!Number.isInteger(rank) || rank < 0 || rank >= 1 << 24) throw new TokenizerError('INVALID_VOCAB', `tiktoken line ${line}: bad rank ${JSON.stringify(l.slice(sp + 1))}`);
    const b64 = l.slice(0, sp);
    let key = '', acc = 0, bits = 0;
    for (let i = 0; i < b64.length; i++) {
      const c = b64.charCodeAt(i);
      if (c === 61) break; // '='
      const v = c < 128 ? B64[c]! : -1;
      if (v < 0) throw new TokenizerError('INVALID_VOCAB', `tiktoken line ${line}: invalid base64`);
      acc = (acc << 6) | v; bits += 6;
      if (bits >= 8) { bits -= 8; key += String.fromCharCode((acc >> bits) & 255); }
    }
    if (!key.length) throw new TokenizerError('INVALID_VOCAB', `tiktoken line ${line}: empty token`);
    if (seen.has(key)) throw new TokenizerError('INVALID_VOCAB', `tiktoken line ${line}: duplicate token`);
    if (keys[rank] !== undefined) throw new TokenizerError('INVALID_VOCAB', `tiktoken line ${line}: duplicate rank ${rank}`);
    seen.add(key);
    keys[rank] = key;
  }
  if (keys.length === 0) throw new TokenizerError('INVALID_VOCAB', 'tiktoken file has no ranks');
  return keys;
}

export function tokenizerFromTiktoken(bytes: Uint8Array, opts: { name?: string; pattern?: string; specialTokens?: Record<string, number> }): Tokenizer {
  const known = opts.name ? TIKTOKEN_ENCODINGS[opts.name] : undefined;
  if (opts.name && !known) throw new TokenizerError('INVALID_ARGUMENT', `fromTiktoken: unknown encoding ${JSON.stringify(opts.name)} (known: ${Object.keys(TIKTOKEN_ENCODINGS).join(', ')})`);
  const pattern = opts.pattern ?? known?.pattern;
  if (!pattern) throw new TokenizerError('INVALID_ARGUMENT', 'fromTiktoken: give {name} (r50k_base, p50k_base, cl100k_base, o200k_base) or {pattern}');
  const model = BPE.fromRanks(parseTiktoken(bytes));
  const specials = opts.specialTokens ?? known?.specialTokens ?? {};
  return new Tokenizer({
    model,
    preTokenizer: new PreTokenizerSequence([new Split({ Regex: pattern }, 'Isolated'), new ByteLevel(false, true, false)]),
    decoder: new ByteLevelDecoder(),
    addedTokens: Object.entries(specials).map(([content, id]) => ({ id, content, special: true, normalized: false })),
  });
}
