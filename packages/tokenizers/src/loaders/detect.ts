import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TokenizerError, fail } from '../errors.js';
import type { Tokenizer } from '../tokenizer.js';
import { tokenizerFromJSON } from './json.js';
import { tokenizerFromTiktoken } from './tiktoken.js';
import { tokenizerFromSentencePiece } from './sentencepiece.js';
import { tokenizerFromBertVocab, tokenizerFromGpt2 } from './vocab.js';

/**
 * Pick the loader from the content: tokenizer.json, a GPT-2 vocab.json (merges.txt beside it),
 * a tiktoken rank file, a SentencePiece .model (protobuf) or a BERT vocab.txt.
 */
export function fromBytes(bytes: Uint8Array, name: string): Tokenizer {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 32 || bytes[i] === 9 || bytes[i] === 10 || bytes[i] === 13)) i++;
  if (bytes.length === 0) fail('UNKNOWN_FORMAT', `${name}: empty file`);
  if (bytes[i] === 0x7b) {
    const text = new TextDecoder().decode(bytes);
    let o: unknown;
    try { o = JSON.parse(text); } catch (e) { fail('INVALID_JSON', `${name}: not valid JSON: ${(e as Error).message}`); }
    if (o && typeof o === 'object' && 'model' in o) return tokenizerFromJSON(o as Record<string, unknown>);
    const merges = join(dirname(name), 'merges.txt');
    if (existsSync(merges)) return tokenizerFromGpt2(bytes, readFileSync(merges));
    fail('UNKNOWN_FORMAT', `${name}: JSON without "model" and no merges.txt beside it`);
  }
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 256));
  const first = head.split('\n')[0]!.replace(/\r$/, '');
  if (/^[A-Za-z0-9+/]+=* \d+$/.test(first)) return tokenizerFromTiktoken(bytes, {});
  if (bytes[0] === 0x0a) {
    try { return tokenizerFromSentencePiece(bytes); } catch (e) {
      if (!(e instanceof TokenizerError) || !/\[PAD\]|\[UNK\]/.test(head)) throw e;
    }
  }
  if (/\[UNK\]|\[PAD\]|##/.test(new TextDecoder().decode(bytes.subarray(0, 1 << 16)))) return tokenizerFromBertVocab(bytes);
  fail('UNKNOWN_FORMAT', `${name}: not a recognised tokenizer file (tokenizer.json, vocab.json, tiktoken, .model, vocab.txt)`);
}
