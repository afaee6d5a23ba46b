import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BpeTrainer, type Tokenizer } from '@tessera/tokenizers';
import { SeededRandom } from '@tessera/objectives';
import { DataError, openDataSource, prepareTokens, TokenArray, TokenFile, trainValSplit, unigramBaseline } from '../src/index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tessera-data-'));
const WORDS = ['whale', 'sea', 'ship', 'Ahab', 'harpoon', 'the', 'of', 'and', 'white', 'captain', 'deck', 'storm', '42', '—', 'naïve', 'ü'];

function text(seed: number, words: number): string {
  const r = new SeededRandom(seed);
  let s = '';
  for (let i = 0; i < words; i++) {
    s += WORDS[r.int(WORDS.length)]!;
    s += r.next() < 0.08 ? (r.next() < 0.5 ? '.\n\n' : '\n') : r.next() < 0.05 ? ',  ' : ' ';
  }
  return s;
}

let tok: Tokenizer | null = null;
const tokenizer = () => (tok ??= new BpeTrainer({ vocabSize: 300, specialTokens: ['<|endoftext|>'] }).train([text(1, 3000)]));
const eos = () => tokenizer().tokenToId('<|endoftext|>')!;

describe('data sources', () => {
  it('finds a text file, a folder of .txt files (sorted, recursive) and JSONL', async () => {
    const d = tmp();
    writeFileSync(join(d, 'a.txt'), 'one');
    mkdirSync(join(d, 'sub'));
    writeFileSync(join(d, 'sub', 'b.txt'), 'two');
    writeFileSync(join(d, 'notes.md'), 'skip');
    const folder = await openDataSource(d);
    expect(folder.format).toBe('folder');
    expect(folder.files.map((f) => f.path)).toEqual([join(d, 'a.txt'), join(d, 'sub', 'b.txt')]);
    writeFileSync(join(d, 'c.jsonl'), '{"text": "x"}\n');
    expect((await openDataSource(join(d, 'c.jsonl'))).format).toBe('jsonl');
    expect((await openDataSource(join(d, 'a.txt'))).format).toBe('text');
  });

  it('names the problem: missing path, empty folder, bad JSONL lines', async () => {
    const d = tmp();
    await expect(openDataSource(join(d, 'nope.txt'))).rejects.toThrow(/does not exist/);
    await expect(openDataSource(d)).rejects.toThrow(/holds no \.txt files/);
    const bad = async (body: string, re: RegExp, textField?: string) => {
      writeFileSync(join(d, 'x.jsonl'), body);
      await expect(prepareTokens({ data: join(d, 'x.jsonl'), tokenizer: tokenizer(), cacheDir: join(d, 'cache'), eosTokenId: eos(), textField })).rejects.toThrow(re);
    };
    await bad('{"text": "ok"}\n{"text": 3}\n', /x\.jsonl:2: field "text" is a number, not a string/);
    await bad('{"text": "ok"}\n\n{oops\n', /x\.jsonl:3: not valid JSON/);
    await bad('[1, 2]\n', /x\.jsonl:1: expected a JSON object/);
    await bad('{"body": "hi"}\n', /field "content" is missing \(fields here: body\); choose the field with --text-field/, 'content');
    await expect(prepareTokens({ data: join(d, 'x.jsonl'), tokenizer: tokenizer(), cacheDir: d, eosTokenId: 10_000 })).rejects.toThrow(DataError);
  });
});

describe('prepareTokens', () => {
  it('writes every document\'s ids with EOS between them, and reuses the cache', async () => {
    const d = tmp();
    const docs = [text(2, 200), text(3, 150), text(4, 300)];
    writeFileSync(join(d, 'c.jsonl'), docs.map((t) => JSON.stringify({ content: t })).join('\n'));
    const f = await prepareTokens({ data: join(d, 'c.jsonl'), tokenizer: tokenizer(), cacheDir: join(d, 'cache'), eosTokenId: eos(), textField: 'content' });
    const want = docs.flatMap((t, i) => [...(i ? [eos()] : []), ...tokenizer().encodeIds(t, { addSpecialTokens: false })]);
    expect(Array.from(f.read(0, f.length))).toEqual(want);
    expect(f.header).toMatchObject({ dtype: 'uint16', numDocuments: 3, numTokens: want.length, eosTokenId: eos() });
    expect(statSync(f.path).size).toBe(2 * want.length);
    f.close();
    let progress = 0;
    const again = await prepareTokens({ data: join(d, 'c.jsonl'), tokenizer: tokenizer(), cacheDir: join(d, 'cache'), eosTokenId: eos(), textField: 'content', onProgress: () => { progress++; } });
    expect(progress).toBe(0); // cached
    expect(again.path).toBe(f.path);
    again.close();
  });

  it('streams a large text file in chunks with the same ids as one encode', async () => {
    const d = tmp();
    const big = text(5, 260_000); // > 1 MiB: several chunks
    expect(big.length).toBeGreaterThan(1 << 20);
    writeFileSync(join(d, 'big.txt'), big);
    const f = await prepareTokens({ data: join(d, 'big.txt'), tokenizer: tokenizer(), cacheDir: d, eosTokenId: eos() });
    const want = tokenizer().encodeIds(big, { addSpecialTokens: false });
    expect(f.length).toBe(want.length);
    expect(Array.from(f.read(0, f.length)).every((v, i) => v === want[i])).toBe(true);
    f.close();
  }, 120_000);

  it('uses uint32 when the vocabulary exceeds 65536 ids', async () => {
    const d = tmp();
    writeFileSync(join(d, 'a.txt'), 'hello world');
    const big = Object.create(tokenizer()) as Tokenizer;
    big.getVocabSize = () => 70_000;
    const f = await prepareTokens({ data: join(d, 'a.txt'), tokenizer: big, cacheDir: d, eosTokenId: eos() });
    expect(f.header.dtype).toBe('uint32');
    expect(Array.from(f.read(0, f.length))).toEqual(tokenizer().encodeIds('hello world', { addSpecialTokens: false }));
    f.close();
  });

  it('refuses a damaged cache with a typed error', async () => {
    const d = tmp();
    writeFileSync(join(d, 'a.txt'), text(6, 100));
    const f = await prepareTokens({ data: join(d, 'a.txt'), tokenizer: tokenizer(), cacheDir: d, eosTokenId: eos() });
    f.close();
    const header = f.path.replace(/\.bin$/, '.json');
    const h = JSON.parse(readFileSync(header, 'utf8'));
    writeFileSync(header, JSON.stringify({ ...h, numTokens: h.numTokens + 1 }));
    expect(() => TokenFile.open(f.path)).toThrow(/says .* tokens .* but the file has/);
    writeFileSync(header, JSON.stringify({ ...h, dtype: 'int8' }));
    expect(() => TokenFile.open(f.path)).toThrow(/dtype must be uint16 or uint32/);
    writeFileSync(header, '{');
    expect(() => TokenFile.open(f.path)).toThrow(/not valid JSON/);
    // prepareTokens tokenizes again over a damaged cache
    const g = await prepareTokens({ data: join(d, 'a.txt'), tokenizer: tokenizer(), cacheDir: d, eosTokenId: eos() });
    expect(g.length).toBe(h.numTokens);
    g.close();
  });
});

describe('blocks', () => {
  const ids = Int32Array.from({ length: 1000 }, (_, i) => (i * 7) % 31);
  const file = new TokenArray(ids);

  it('splits train / validation deterministically (last 10%)', () => {
    const { train, val } = trainValSplit(file, 0.1);
    expect([train.start, train.end, val.start, val.end]).toEqual([0, 900, 900, 1000]);
    expect(() => trainValSplit(file, 1)).toThrow(/valFraction/);
  });

  it('samples seeded blocks inside the split: labels = inputs, mask all ones', () => {
    const { val } = trainValSplit(file, 0.1);
    const a = val.sample(new SeededRandom(3), 4, 16), b = val.sample(new SeededRandom(3), 4, 16);
    expect(a).toEqual(b);
    expect(a.labels).toEqual(a.inputIds);
    expect(a.attentionMask.every((v) => v === 1)).toBe(true);
    for (let r = 0; r < 4; r++) {
      const row = a.inputIds.subarray(r * 16, r * 16 + 16);
      const at = ids.findIndex((_, i) => i >= 900 && i + 16 <= 1000 && row.every((v, k) => v === ids[i + k]));
      expect(at).toBeGreaterThanOrEqual(900);
    }
    expect(() => val.sample(new SeededRandom(1), 1, 200)).toThrow(/does not fit in a split of 100 tokens/);
  });

  it('unigram baseline is the smoothed unigram cross-entropy', () => {
    const { train, val } = trainValSplit(file, 0.2);
    const counts = new Map<number, number>();
    for (let i = 0; i < 800; i++) counts.set(ids[i]!, (counts.get(ids[i]!) ?? 0) + 1);
    let nll = 0;
    for (let i = 800; i < 1000; i++) nll -= Math.log(((counts.get(ids[i]!) ?? 0) + 1) / (800 + 40));
    expect(unigramBaseline(train, val, 40, 64)).toBeCloseTo(nll / 200, 10);
  });
});
