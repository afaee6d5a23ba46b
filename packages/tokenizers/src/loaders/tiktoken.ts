// tiktoken rank files ("<base64 bytes> <rank>" per line) and the four OpenAI encodings.
import { describe, fail } from '../errors.js';
import * as A from '../args.js';
import { BPE } from '../models/bpe.js';
import { ByteLevel, PreTokenizerSequence, Split } from '../pre-tokenizers.js';
import { ByteLevelDecoder } from '../decoders.js';
import { CL100K_PATTERN, O200K_PATTERN, R50K_PATTERN } from '../scanners.js';
import { Tokenizer } from '../tokenizer.js';

export const TIKTOKEN_ENCODINGS: Record<string, { pattern: string; specialTokens: Record<string, number> }> = {
  r50k_base: { pattern: R50K_PATTERN, specialTokens: { '<|endoftext|>': 50256 } },
  p50k_base: { pattern: R50K_PATTERN, specialTokens: { '<|endoftext|>': 50256 } },
  // p50k_base's ranks and pattern with the fill-in-the-middle special tokens (tiktoken's p50k_edit)
  p50k_edit: { pattern: R50K_PATTERN, specialTokens: { '<|endoftext|>': 50256, '<|fim_prefix|>': 50281, '<|fim_middle|>': 50282, '<|fim_suffix|>': 50283 } },
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
  A.bytes('parseTiktoken', 'bytes', bytes);
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
    if (sp <= 0) fail('INVALID_VOCAB', `tiktoken line ${line}: expected "<base64> <rank>"`);
    const rank = Number(l.slice(sp + 1));
    if (!Number.isInteger(rank) || rank < 0 || rank >= 1 << 24) fail('INVALID_VOCAB', `tiktoken line ${line}: bad rank ${describe(l.slice(sp + 1))}`);
    const b64 = l.slice(0, sp);
    let key = '', acc = 0, bits = 0;
    for (let i = 0; i < b64.length; i++) {
      const c = b64.charCodeAt(i);
      if (c === 61) break; // '='
      const v = c < 128 ? B64[c]! : -1;
      if (v < 0) fail('INVALID_VOCAB', `tiktoken line ${line}: invalid base64`);
      acc = (acc << 6) | v; bits += 6;
      if (bits >= 8) { bits -= 8; key += String.fromCharCode((acc >> bits) & 255); }
    }
    if (!key.length) fail('INVALID_VOCAB', `tiktoken line ${line}: empty token`);
    if (seen.has(key)) fail('INVALID_VOCAB', `tiktoken line ${line}: duplicate token`);
    if (keys[rank] !== undefined) fail('INVALID_VOCAB', `tiktoken line ${line}: duplicate rank ${rank}`);
    seen.add(key);
    keys[rank] = key;
  }
  if (keys.length === 0) fail('INVALID_VOCAB', 'tiktoken file has no ranks');
  return keys;
}

export interface TiktokenOptions { name?: string; pattern?: string; specialTokens?: Record<string, number> }

export function tokenizerFromTiktoken(bytes: Uint8Array, opts: TiktokenOptions): Tokenizer {
  const f = 'Tokenizer.fromTiktoken';
  A.options<TiktokenOptions>(f, 'opts', opts, ['name', 'pattern', 'specialTokens']);
  if (opts.name !== undefined) A.str(f, 'opts.name', opts.name);
  if (opts.pattern !== undefined) A.str(f, 'opts.pattern', opts.pattern);
  if (opts.specialTokens !== undefined) {
    const sp = opts.specialTokens as unknown;
    if (typeof sp !== 'object' || sp === null || Array.isArray(sp)) A.badArg(f, 'opts.specialTokens', 'an object of token -> id', sp);
    for (const [k, v] of Object.entries(sp)) A.int(f, `opts.specialTokens[${JSON.stringify(k.slice(0, 40))}]`, v, 0, 2 ** 31 - 1);
  }
  const known = opts.name ? (Object.prototype.hasOwnProperty.call(TIKTOKEN_ENCODINGS, opts.name) ? TIKTOKEN_ENCODINGS[opts.name] : undefined) : undefined;
  if (opts.name && !known) fail('INVALID_ARGUMENT', `${f}: unknown encoding ${describe(opts.name.slice(0, 40))} (known: ${Object.keys(TIKTOKEN_ENCODINGS).join(', ')})`);
  const pattern = opts.pattern ?? known?.pattern;
  if (!pattern) fail('INVALID_ARGUMENT', `${f}: give {name} (${Object.keys(TIKTOKEN_ENCODINGS).join(', ')}) or {pattern}`);
  const model = BPE.fromRanks(parseTiktoken(bytes));
  const specials = opts.specialTokens ?? known?.specialTokens ?? {};
  return new Tokenizer({
    model,
    preTokenizer: new PreTokenizerSequence([new Split({ Regex: pattern }, 'Isolated'), new ByteLevel(false, true, false)]),
    decoder: new ByteLevelDecoder(),
    addedTokens: Object.entries(specials).map(([content, id]) => ({ id, content, special: true, normalized: false })),
  });
}
