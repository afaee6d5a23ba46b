// GPT-2 vocab.json + merges.txt, and BERT vocab.txt.
import { describe, fail } from '../errors.js';
import { Fields } from './fields.js';

const VOCAB: Fields = new Fields('vocab.json', 'INVALID_VOCAB');
import { BPE } from '../models/bpe.js';
import { WordPiece } from '../models/wordpiece.js';
import { ByteLevel } from '../pre-tokenizers.js';
import { ByteLevelDecoder, WordPieceDecoder } from '../decoders.js';
import { BertNormalizer } from '../normalizers.js';
import { BertPreTokenizer } from '../pre-tokenizers.js';
import { BertProcessing, ByteLevelProcessing } from '../post-processors.js';
import { Tokenizer } from '../tokenizer.js';

const dec = (b: Uint8Array) => new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(b);

export function parseMerges(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((l, i) => {
    if (!l || (i === 0 && l.startsWith('#version'))) return;
    const parts = l.split(' ');
    if (parts.length !== 2 || !parts[0] || !parts[1]) fail('INVALID_VOCAB', `merges.txt line ${i + 1}: expected "left right", got ${describe(l.slice(0, 60))}`);
    out.push([parts[0], parts[1]]);
  });
  return out;
}

export function parseVocabJson(text: string): Record<string, number> {
  let v: unknown;
  try { v = JSON.parse(text); } catch (e) { fail('INVALID_JSON', `vocab.json is not valid JSON: ${(e as Error).message}`); }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('INVALID_VOCAB', 'vocab.json must be an object of token -> id');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) VOCAB.intValue(o[k], `[${JSON.stringify(k.slice(0, 40))}]`, 0, 2 ** 30 - 1);
  return o as Record<string, number>;
}

/** GPT-2 style byte-level BPE from vocab.json and merges.txt contents. */
export function tokenizerFromGpt2(vocab: Uint8Array, merges: Uint8Array): Tokenizer {
  const v = parseVocabJson(dec(vocab));
  const model = new BPE({ vocab: v, merges: parseMerges(dec(merges)) });
  const eot = v['<|endoftext|>'];
  return new Tokenizer({
    model, preTokenizer: new ByteLevel(false, true, true), postProcessor: new ByteLevelProcessing(true, false, true), decoder: new ByteLevelDecoder(),
    addedTokens: eot === undefined ? [] : [{ id: eot, content: '<|endoftext|>', special: true, normalized: true }],
  });
}

export function parseVocabTxt(text: string): Map<string, number> {
  const vocab = new Map<string, number>();
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((l, i) => { const t = l.endsWith('\r') ? l.slice(0, -1) : l; if (!vocab.has(t)) vocab.set(t, i); });
  if (vocab.size === 0) fail('INVALID_VOCAB', 'vocab.txt is empty');
  return vocab;
}

/** BERT WordPiece from vocab.txt (one token per line, id = line number). */
export function tokenizerFromBertVocab(bytes: Uint8Array, opts: { lowercase?: boolean } = {}): Tokenizer {
  const vocab = parseVocabTxt(dec(bytes));
  for (const t of ['[UNK]', '[CLS]', '[SEP]']) if (!vocab.has(t)) fail('INVALID_VOCAB', `vocab.txt has no ${t} token`);
  const lowercase = opts.lowercase ?? true;
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].filter((t) => vocab.has(t));
  return new Tokenizer({
    model: new WordPiece({ vocab, unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 }),
    normalizer: new BertNormalizer(true, true, null, lowercase),
    preTokenizer: new BertPreTokenizer(),
    postProcessor: new BertProcessing(['[SEP]', vocab.get('[SEP]')!], ['[CLS]', vocab.get('[CLS]')!]),
    decoder: new WordPieceDecoder('##', true),
    addedTokens: specials.map((t) => ({ id: vocab.get(t)!, content: t, special: true, normalized: false })),
  });
}
