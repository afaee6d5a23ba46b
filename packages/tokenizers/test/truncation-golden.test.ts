import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { Tokenizer, TokenizerError, type Encoding, type TruncationOptions } from '../src/index.js';
import { mulberry32 } from '../src/models/model.js';
import { corpusChunks, fixtures } from './helpers.js';

// Reference: HF `tokenizers` 0.23.2 (Rust). Its encode() stops pre-tokenizing once a sequence has
// max_length tokens when truncation is on (huggingface/tokenizers#2091, fix pending in #2098), so
// `overflowing` misses the tail of longer inputs. Its Encoding.truncate and postProcess (truncation,
// post-processor, merge) work on whole encodings and are unaffected; encode() is compared where no
// sequence exceeds max_length, so nothing is cut early.
type HfEnc = {
  getIds(): number[]; getTokens(): string[]; getTypeIds(): number[]; getSpecialTokensMask(): number[];
  getAttentionMask(): number[]; getOffsets(): number[][]; getOverflowing(): HfEnc[]; truncate(n: number, stride?: number, dir?: string): void;
};
type Hf = {
  encode(a: string, b?: string | null, o?: { addSpecialTokens?: boolean }): Promise<HfEnc>;
  setTruncation(max: number, o?: { stride?: number; strategy?: string; direction?: string }): void;
  setPadding(o?: { maxLength?: number; direction?: string; padId?: number; padToken?: string; padTypeId?: number }): void;
  disablePadding(): void;
  postProcess(a: HfEnc, b?: HfEnc | null, add?: boolean): HfEnc;
};
const hfFrom = (p: string) => HfTokenizer.fromFile(p) as unknown as Hf;

const dir = mkdtempSync(join(tmpdir(), 'tess-trunc-'));
const read = (name: string) => JSON.parse(readFileSync(join(fixtures, name, 'tokenizer.json'), 'utf8'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tokenizer.json trees are edited freely here
function variant(name: string, edit: (j: Record<string, any>) => void): string {
  const j = read(name.split(':')[0]!);
  edit(j);
  const p = join(dir, `${name.replace(/[:]/g, '-')}.json`);
  writeFileSync(p, JSON.stringify(j));
  return p;
}
const eot = (ids: number[]) => ({ id: '<|endoftext|>', ids, tokens: ids.map(() => '<|endoftext|>') });
/** Tokenizers covering every post-processor: templates, Bert, Roberta, ByteLevel (with offset trimming), a Sequence. */
const CONFIGS: Record<string, { path: string; trims: boolean }> = {
  bert: { path: join(fixtures, 'bert-base-uncased', 'tokenizer.json'), trims: false },
  t5: { path: join(fixtures, 't5-small', 'tokenizer.json'), trims: false },
  'bert-processing': { path: variant('bert-base-uncased:bp', (j) => { j.post_processor = { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] }; }), trims: false },
  'roberta-untrimmed': { path: variant('gpt2:rob', (j) => { j.post_processor = { type: 'RobertaProcessing', sep: ['<|endoftext|>', 50256], cls: ['<|endoftext|>', 50256], trim_offsets: false, add_prefix_space: false }; }), trims: false },
  'template-types': {
    // unusual type ids: the template's type goes to the sequences, not to their overflowing parts
    path: variant('bert-base-uncased:tt', (j) => {
      const sp = j.post_processor.special_tokens;
      j.post_processor = { type: 'TemplateProcessing', single: [{ Sequence: { id: 'A', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }], pair: [{ SpecialToken: { id: '[CLS]', type_id: 1 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }, { Sequence: { id: 'A', type_id: 1 } }], special_tokens: sp };
    }),
    trims: false,
  },
  sequence: {
    path: variant('gpt2:seq', (j) => {
      j.post_processor = { type: 'Sequence', processors: [{ type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true }, { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<|endoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }], pair: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<|endoftext|>', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '<|endoftext|>', type_id: 1 } }], special_tokens: { '<|endoftext|>': eot([50256]) } }] };
    }),
    trims: false,
  },
  'gpt2-prefix-trim': { path: variant('gpt2:pt', (j) => { j.pre_tokenizer.add_prefix_space = true; j.post_processor.trim_offsets = true; j.post_processor.add_prefix_space = true; }), trims: true },
  'roberta-trim': { path: variant('gpt2:robt', (j) => { j.pre_tokenizer.add_prefix_space = true; j.post_processor = { type: 'RobertaProcessing', sep: ['<|endoftext|>', 50256], cls: ['<|endoftext|>', 50256], trim_offsets: true, add_prefix_space: true }; }), trims: true },
};

/** First difference between our encoding and HF's (overflowing parts included), or null. */
function diff(ours: Encoding, theirs: HfEnc, o: { types: boolean; units?: number[][] }, at = 'main'): string | null {
  const off = theirs.getOffsets().map(([a, b], i) => (o.units ? [o.units[ours.typeIds[i] === 1 && o.units[1] ? 1 : 0]![a]!, o.units[ours.typeIds[i] === 1 && o.units[1] ? 1 : 0]![b]!] : [a, b]));
  const fields: Array<[string, unknown, unknown]> = [
    ['ids', ours.ids, theirs.getIds()], ['tokens', ours.tokens, theirs.getTokens()], ['specialTokensMask', ours.specialTokensMask, theirs.getSpecialTokensMask()],
    ['attentionMask', ours.attentionMask, theirs.getAttentionMask()], ['offsets', ours.offsets, off],
  ];
  if (o.types) fields.push(['typeIds', ours.typeIds, theirs.getTypeIds()]);
  for (const [k, a, b] of fields) if (JSON.stringify(a) !== JSON.stringify(b)) return `${at}.${k}: ours ${JSON.stringify(a).slice(0, 300)} hf ${JSON.stringify(b).slice(0, 300)}`;
  const ho = theirs.getOverflowing();
  if (ours.overflowing.length !== ho.length) return `${at}.overflowing: ours ${ours.overflowing.length} parts, hf ${ho.length}`;
  for (let i = 0; i < ho.length; i++) { const d = diff(ours.overflowing[i]!, ho[i]!, o, `${at}.overflowing[${i}]`); if (d) return d; }
  return null;
}
const count = (e: Encoding): number => 1 + e.overflowing.reduce((n, x) => n + count(x), 0);

/** HF's kept lengths (truncate_encodings), only to pick a stride HF accepts (a larger one aborts its process). */
function keptLengths(na: number, nb: number | null, max: number, strategy: string): number[] {
  const total = na + (nb ?? 0);
  if (total <= max) return [];
  if (nb === null) return strategy === 'only_second' ? [] : [max];
  if (strategy === 'only_first') return [na - (total - max)];
  if (strategy === 'only_second') return [nb - (total - max)];
  let n1 = Math.min(na, nb), n2 = Math.max(na, nb);
  n2 = n1 > max ? n1 : Math.max(n1, max - n1);
  if (n1 + n2 > max) { n1 = Math.floor(max / 2); n2 = n1 + (max % 2); }
  const [ka, kb] = na > nb ? [n2, n1] : [n1, n2];
  return [ka < na ? ka : Infinity, kb < nb ? kb : Infinity];
}

const ascii = (s: string) => s.replace(/[^\x20-\x7e\n]/g, ' ');
const words = ascii(corpusChunks().slice(-60).join(' ')).split(/\s+/).filter(Boolean);
const rng = mulberry32(99);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
function phrase(min: number, max: number, specials: string[] = []): string {
  const n = min + Math.floor(rng() * (max - min));
  const at = Math.floor(rng() * words.length - n);
  const w = words.slice(Math.max(0, at), Math.max(0, at) + n);
  if (specials.length && rng() < 0.3) w.splice(Math.floor(rng() * w.length), 0, pick(specials));
  return w.join(' ');
}
const SPECIALS: Record<string, string[]> = { bert: ['[MASK]', '[SEP]'], 'bert-processing': ['[MASK]'], t5: ['<extra_id_0>', '</s>'], 'template-types': ['[MASK]'] };

describe('truncation stride: overflowing parts vs HF tokenizers (Rust)', () => {
  it('windows: identical to HF Encoding.truncate on 120 corpus chunks (stride, both directions)', async () => {
    const path = join(fixtures, 'gpt2', 'tokenizer.json');
    const hf = hfFrom(path);
    const tok = Tokenizer.fromFile(path);
    let parts = 0;
    const chunks = corpusChunks();
    for (let k = 0; k < 120; k++) {
      const text = chunks[(k * 11) % chunks.length]!.slice(0, 600 + Math.floor(rng() * 1500));
      const maxLength = 1 + Math.floor(rng() * 200), stride = Math.floor(rng() * maxLength), direction = pick(['right', 'left'] as const);
      const theirs = await hf.encode(text);
      theirs.truncate(maxLength, stride, direction);
      const [ours] = tok.encodeBatch([text], { truncation: { maxLength, stride, direction } });
      const units = [[...text].reduce((m, ch) => { m.push(m.at(-1)! + ch.length); return m; }, [0])];
      const d = diff(ours!, theirs, { types: true, units });
      expect(d, `max ${maxLength} stride ${stride} ${direction}`).toBeNull();
      parts += count(ours!);
    }
    expect(parts).toBeGreaterThan(500);
  });

  it.each(Object.keys(CONFIGS).filter((n) => !CONFIGS[n]!.trims))('%s: truncation strategies, processor and merge identical to HF postProcess', async (name) => {
    const { path } = CONFIGS[name]!;
    const plain = hfFrom(path), hf = hfFrom(path);
    const tok = Tokenizer.fromFile(path);
    let cases = 0, errors = 0, parts = 0;
    for (let k = 0; k < 60; k++) {
      const pair = k % 3 !== 0;
      const a = phrase(3, 90, SPECIALS[name]), b = pair ? phrase(3, 60, SPECIALS[name]) : null;
      const na = tok.encode(a, null, { addSpecialTokens: false }).ids.length, nb = b === null ? null : tok.encode(b, null, { addSpecialTokens: false }).ids.length;
      const added = tok.encode('', b === null ? null : '').ids.length;
      const strategy = pick(pair ? ['longest_first', 'only_first', 'only_second'] as const : ['longest_first', 'only_first'] as const);
      const direction = pick(['right', 'left'] as const);
      const maxLength = added + 1 + Math.floor(rng() * ((na + (nb ?? 0)) * 0.9));
      const kept = keptLengths(na, nb, maxLength - added, strategy).filter((x) => x > 0 && x !== Infinity);
      const stride = kept.length ? Math.floor(rng() * Math.min(...kept)) : 0;
      const trunc: TruncationOptions = { maxLength, stride, strategy, direction };
      hf.setTruncation(maxLength, { stride, strategy: { longest_first: 'LongestFirst', only_first: 'OnlyFirst', only_second: 'OnlySecond' }[strategy], direction });
      const ea = await plain.encode(a, null, { addSpecialTokens: false });
      const eb = b === null ? null : await plain.encode(b, null, { addSpecialTokens: false });
      let ours: Encoding | null = null;
      try { ours = tok.encodeBatch([b === null ? a : [a, b]], { truncation: trunc })[0]!; } catch (e) { if (!(e instanceof TokenizerError) || e.code !== 'INVALID_ARGUMENT') throw e; }
      let theirs: HfEnc | null = null;
      try { theirs = hf.postProcess(ea, eb, true); } catch { /* HF: sequence too short for the strategy */ }
      expect(ours === null, `${name} ${JSON.stringify(trunc)} na ${na} nb ${nb}: both or neither refuse`).toBe(theirs === null);
      if (!ours || !theirs) { errors++; continue; }
      // type ids only where the encodings handed to postProcess have encode()'s: a pair's second
      // sequence encoded alone has type 0, not 1, and a template's $A:n is already applied to it
      const d = diff(ours, theirs, { types: b === null && ea.getTypeIds().every((t) => t === 0) });
      expect(d, `${name} ${JSON.stringify(trunc)} na ${na} nb ${nb}`).toBeNull();
      cases++; parts += count(ours);
    }
    expect(cases).toBeGreaterThan(30);
    expect(parts).toBeGreaterThan(cases * 2);
    expect(errors).toBeLessThan(20);
  });

  it.each(Object.keys(CONFIGS))('%s: encode() with truncation (and padding) identical to HF where no sequence exceeds max_length', async (name) => {
    const { path } = CONFIGS[name]!;
    const tok = Tokenizer.fromFile(path);
    const hf = hfFrom(path);
    let cases = 0;
    for (let k = 0; k < 40; k++) {
      const pair = k % 4 !== 0;
      const a = phrase(4, 50, SPECIALS[name]), b = pair ? phrase(4, 50, SPECIALS[name]) : null;
      const na = tok.encode(a, null, { addSpecialTokens: false }).ids.length, nb = b === null ? null : tok.encode(b, null, { addSpecialTokens: false }).ids.length;
      const added = tok.encode('', b === null ? null : '').ids.length;
      // every sequence fits in max_length, the whole does not once the special tokens are added
      const maxLength = Math.max(na, nb ?? 0) + Math.floor(rng() * Math.min(na, nb ?? na, added + 1));
      if (na + (nb ?? 0) + added <= maxLength || maxLength <= added) continue;
      const strategy = pair ? 'longest_first' : pick(['longest_first', 'only_first'] as const);
      const direction = pick(['right', 'left'] as const);
      const kept = keptLengths(na, nb, maxLength - added, strategy).filter((x) => x > 0 && x !== Infinity);
      const stride = kept.length ? Math.floor(rng() * Math.min(...kept)) : 0;
      hf.setTruncation(maxLength, { stride, strategy: strategy === 'only_first' ? 'OnlyFirst' : 'LongestFirst', direction });
      const padding = k % 3 === 0 ? { length: maxLength + 3, padId: 0, padToken: '[PAD]', direction: pick(['right', 'left'] as const) } : null;
      if (padding) hf.setPadding({ maxLength: padding.length, padId: 0, padToken: '[PAD]', direction: padding.direction });
      else hf.disablePadding();
      const theirs = await hf.encode(a, b);
      const [ours] = tok.encodeBatch([b === null ? a : [a, b]], { truncation: { maxLength, stride, strategy, direction }, padding });
      expect(diff(ours!, theirs, { types: true }), `${name} max ${maxLength} stride ${stride} ${strategy} ${direction} na ${na} nb ${nb}`).toBeNull();
      if (padding) expect(ours!.overflowing.every((o) => o.ids.length === padding.length)).toBe(true);
      cases++;
    }
    expect(cases).toBeGreaterThan(15);
  });

  it('stride round-trips through tokenizer.json and HF reads it the same way', async () => {
    const path = variant('bert-base-uncased:stride', (j) => { j.truncation = { direction: 'Left', max_length: 12, strategy: 'OnlyFirst', stride: 3 }; });
    const tok = Tokenizer.fromFile(path);
    expect(tok.truncation).toEqual({ maxLength: 12, strategy: 'only_first', direction: 'left', stride: 3 });
    const saved = join(dir, 'saved-stride.json');
    tok.save(saved);
    expect(JSON.parse(readFileSync(saved, 'utf8')).truncation).toEqual({ direction: 'Left', max_length: 12, strategy: 'OnlyFirst', stride: 3 });
    const back = Tokenizer.fromFile(saved);
    const hf = hfFrom(saved);
    const text = 'one two three four five six seven eight nine ten eleven';
    const e = back.encode(text);
    expect(e.overflowing.length).toBeGreaterThan(0);
    expect(diff(e, await hf.encode(text), { types: true })).toBeNull();
  });

  it('bad stride settings raise typed errors (HF aborts the process instead)', () => {
    const bert = Tokenizer.fromFile(join(fixtures, 'bert-base-uncased', 'tokenizer.json'));
    const err = (f: () => unknown) => { try { f(); } catch (e) { expect(e).toBeInstanceOf(TokenizerError); return `${(e as TokenizerError).code} ${(e as Error).message}`; } return 'no error'; };
    const long = 'a b c d e f g h i j k l m n o p';
    expect(err(() => bert.encodeBatch([long], { truncation: { maxLength: 8, stride: 6 } }))).toMatch(/^INVALID_ARGUMENT (Tokenizer\.encodeBatch: |new Tokenizer: )?truncation\.stride \(6\)/);
    expect(err(() => bert.encodeBatch([[long, long]], { truncation: { maxLength: 11, stride: 4 } }))).toMatch(/^INVALID_ARGUMENT (Tokenizer\.encodeBatch: |new Tokenizer: )?truncation\.stride/);
    expect(err(() => bert.encodeBatch([long], { truncation: { maxLength: 8, stride: -1 } }))).toMatch(/^INVALID_ARGUMENT (Tokenizer\.encodeBatch: |new Tokenizer: )?truncation\.stride/);
    expect(err(() => bert.encodeBatch([long], { truncation: { maxLength: 8, stride: 1.5 } }))).toMatch(/^INVALID_ARGUMENT (Tokenizer\.encodeBatch: |new Tokenizer: )?truncation\.stride/);
    expect(err(() => bert.encodeBatch([long], { truncation: { maxLength: -2 } }))).toMatch(/^INVALID_ARGUMENT (Tokenizer\.encodeBatch: |new Tokenizer: )?truncation\.maxLength/);
    expect(err(() => bert.encodeBatch([long], { truncation: { maxLength: 8, direction: 'up' as 'left' } }))).toMatch(/^INVALID_ARGUMENT (Tokenizer\.encodeBatch: |new Tokenizer: )?truncation\.direction/);
    const j = read('bert-base-uncased');
    expect(err(() => Tokenizer.fromJSON({ ...j, truncation: { max_length: 8, stride: -3 } }))).toMatch(/^INVALID_FIELD tokenizer\.json: truncation\.stride/);
    expect(err(() => Tokenizer.fromJSON({ ...j, truncation: { max_length: 8, stride: 'x' } }))).toMatch(/^INVALID_FIELD tokenizer\.json: truncation\.stride/);
    expect(err(() => Tokenizer.fromJSON({ ...j, truncation: { max_length: 8, strategy: 'Middle' } }))).toMatch(/^INVALID_FIELD tokenizer\.json: truncation\.strategy/);
    expect(err(() => new Tokenizer({ model: bert.model, truncation: { maxLength: 4, stride: 0.5 } }))).toMatch(/^INVALID_ARGUMENT (Tokenizer\.encodeBatch: |new Tokenizer: )?truncation\.stride/);
    // stride 0 still returns what was cut, in consecutive parts
    const e = bert.encodeBatch([long], { truncation: { maxLength: 6 } })[0]!;
    expect([e.tokens, ...e.overflowing.map((o) => o.tokens)]).toEqual([['[CLS]', 'a', 'b', 'c', 'd', '[SEP]'], ['[CLS]', 'e', 'f', 'g', 'h', '[SEP]'], ['[CLS]', 'i', 'j', 'k', 'l', '[SEP]'], ['[CLS]', 'm', 'n', 'o', 'p', '[SEP]']]);
  });
});
