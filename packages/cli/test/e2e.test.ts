import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tessera/backend-cpu';
import { AutoModelForCausalLM } from '@tessera/nn';
import { Tokenizer } from '@tessera/tokenizers';
import { generate } from '@tessera/sampling';
import { tessera } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-e2e-'));
const WORDS = 'the whale sea ship captain ahab harpoon white deck storm of and to a in'.split(' ');
let seed = 5;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const data = join(dir, 'corpus.txt');
writeFileSync(data, Array.from({ length: 1500 }, () => Array.from({ length: 10 }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ')).join('\n'));
const tok = join(dir, 'tokenizer.json');

type Line = { step: number; loss?: number; lr?: number; tokensPerSec?: number; valLoss?: number };
const metrics = (out: string): Line[] => readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
const trainLosses = (out: string) => metrics(out).filter((m) => m.loss !== undefined).map((m) => [m.step, m.loss]);

describe('tessera end to end', () => {
  it('train-tokenizer writes a BPE tokenizer.json with an end-of-text token', async () => {
    const r = await tessera(['train-tokenizer', '--data', data, '--vocab-size', '400', '--out', tok, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const t = Tokenizer.fromFile(tok);
    expect(t.getVocabSize()).toBeLessThanOrEqual(400);
    expect(t.tokenToId('<|endoftext|>')).toBe(0);
  });

  it('tokenize prints ids and tokens that decode back', async () => {
    const r = await tessera(['tokenize', '--tokenizer', tok, '--text', 'the white whale', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { ids, tokens } = JSON.parse(r.stdout) as { ids: number[]; tokens: string[] };
    expect(Tokenizer.fromFile(tok).decode(ids)).toBe('the white whale');
    expect(tokens.length).toBe(ids.length);
  });

  it('train-tokenizer trains WordPiece and Unigram too', async () => {
    for (const type of ['wordpiece', 'unigram']) {
      const file = join(dir, `${type}.json`);
      const r = await tessera(['train-tokenizer', '--type', type, '--data', data, '--vocab-size', '60', '--out', file, '--quiet']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`${type} tokenizer with \\d+ tokens written`));
      const t = Tokenizer.fromFile(file);
      expect(t.decode(t.encodeIds('the white whale', { addSpecialTokens: false })).replace(/ /g, '')).toBe('thewhitewhale');
    }
  });

  it('generate answers with an encoder-decoder (T5) model folder', async () => {
    const folder = join(dir, 't5');
    const { cpSync } = await import('node:fs');
    cpSync(new URL('./fixtures/t5-x500', import.meta.url), folder, { recursive: true });
    cpSync(tok, join(folder, 'tokenizer.json'));
    const tokenizer = Tokenizer.fromFile(tok);
    const outside = Array.from({ length: 1302 - tokenizer.getVocabSize() }, (_, i) => tokenizer.getVocabSize() + i); // the model's ids the tokenizer lacks
    const r = await tessera(['generate', '--model', folder, '--prompt', 'the white whale', '--max-new-tokens', '4', '--backend', 'cpu', '--json', '--suppress-tokens', outside.join(',')]);
    expect(r.code, r.stderr).toBe(0);
    const { T5ForConditionalGeneration } = await import('@tessera/nn');
    const model = await T5ForConditionalGeneration.fromPretrained(folder);
    const want = await generate(model, 'the white whale', { maxNewTokens: 4, eosTokenId: 1, padTokenId: 0, suppressTokens: outside }, { tokenizer });
    expect((JSON.parse(r.stdout) as { ids: number[] }).ids).toEqual(want.newTokens[0]);
    model.dispose();
  });

  for (const backend of ['cpu', 'wasm']) {
    const common = ['--tokenizer', tok, '--data', data, '--batch-size', '4', '--block-size', '16', '--eval-interval', '4', '--eval-iters', '2', '--backend', backend, '--warmup', '2', '--lr', '3e-3'];

    it(`${backend}: trains, writes metrics.jsonl, loss.svg and a loadable checkpoint`, async () => {
      const out = join(dir, `run-${backend}`);
      const r = await tessera(['train', '--model', 'gpt2', ...common, '--steps', '12', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`backend: ${backend}`));
      expect(r.stdout).toMatch(/unigram baseline \d+\.\d+ nats/);
      expect(r.stdout).toMatch(/training 12\/12 loss \d/); // plain progress lines off a TTY
      expect(r.stdout).toMatch(/validation loss \d+\.\d+ \(perplexity/);
      const m = metrics(out);
      const steps = m.filter((x) => x.loss !== undefined), evals = m.filter((x) => x.valLoss !== undefined);
      expect(steps.map((x) => x.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(steps.every((x) => Object.keys(x).includes('lr') && x.tokensPerSec! > 0 && Number.isFinite(x.loss))).toBe(true);
      expect(evals.map((x) => x.step)).toEqual([4, 8, 12]);
      expect(evals.at(-1)!.valLoss).toBeLessThan(evals[0]!.valLoss!);
      const svg = readFileSync(join(out, 'loss.svg'), 'utf8');
      expect(svg).toMatch(/^<svg/);
      expect(svg).toContain('optimizer step');
      expect(svg).toContain('cross-entropy loss (nats)');
      expect(svg).toContain('validation');
      expect(readdirSync(out)).toEqual(expect.arrayContaining(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'checkpoint-12', 'checkpoint-8']));
      expect(existsSync(join(out, 'checkpoint-4'))).toBe(false); // keepLast 2
      const model = await AutoModelForCausalLM.fromPretrained(out);
      expect((model as unknown as { className: string }).className).toBe('GPT2LMHeadModel');
      model.dispose();
      const ev = await tessera(['eval', '--model', out, '--data', data, '--backend', backend, '--json', '--block-size', '16']);
      expect(ev.code, ev.stderr).toBe(0);
      const e = JSON.parse(ev.stdout) as { loss: number; perplexity: number; tokens: number };
      expect(e.loss).toBeGreaterThan(0);
      expect(e.perplexity).toBeCloseTo(Math.exp(e.loss), 6);
      expect(Math.abs(e.loss - evals.at(-1)!.valLoss!)).toBeLessThan(0.5);
    }, 180_000);

    it(`${backend}: generate streams the same tokens as @tessera/sampling's generate`, async () => {
      const out = join(dir, `run-${backend}`);
      const flags = ['--max-new-tokens', '12', '--do-sample', '--top-p', '0.9', '--temperature', '0.8', '--repetition-penalty', '1.2', '--seed', '4'];
      const r = await tessera(['generate', '--model', out, '--prompt', 'the white whale', '--backend', backend, '--json', ...flags]);
      expect(r.code, r.stderr).toBe(0);
      const got = JSON.parse(r.stdout) as { text: string; ids: number[] };
      const model = await AutoModelForCausalLM.fromPretrained(out);
      const tokenizer = Tokenizer.fromFile(join(out, 'tokenizer.json'));
      const want = await generate(model as never, 'the white whale', { maxNewTokens: 12, doSample: true, topP: 0.9, temperature: 0.8, repetitionPenalty: 1.2, seed: 4, eosTokenId: 0 }, { tokenizer });
      expect(got.ids).toEqual(want.newTokens[0]);
      expect(got.text).toBe(want.texts![0]);
      const streamed = await tessera(['generate', '--model', out, '--prompt', 'the white whale', '--backend', backend, ...flags]);
      expect(streamed.stdout).toBe(`the white whale${got.text}\n`);
      const beams = await tessera(['generate', '--model', out, '--prompt', 'the sea', '--backend', backend, '--json', '--max-new-tokens', '5', '--num-beams', '3', '--num-return-sequences', '2', '--bad-words', 'whale']);
      expect(beams.code, beams.stderr).toBe(0);
      const wantBeams = await generate(model as never, 'the sea', { maxNewTokens: 5, numBeams: 3, numReturnSequences: 2, eosTokenId: 0, badWordsIds: [tokenizer.encodeIds('whale', { addSpecialTokens: false })] }, { tokenizer });
      expect((JSON.parse(beams.stdout) as { ids: number[] }[]).map((b) => b.ids)).toEqual(wantBeams.newTokens);
      model.dispose();
    }, 120_000);

    it(`${backend}: --from continues training a saved model under a new run`, async () => {
      const src = join(dir, `run-${backend}`), out = join(dir, `from-${backend}`);
      const r = await tessera(['train', '--from', src, '--data', data, '--steps', '4', '--batch-size', '4', '--block-size', '16', '--eval-interval', '4', '--eval-iters', '2', '--backend', backend, '--out', out, '--quiet']);
      expect(r.code, r.stderr).toBe(0);
      const first = metrics(out).find((m) => m.loss !== undefined)!;
      // it starts where the source run ended, far below a fresh model's loss (≈ ln vocab)
      expect(first.loss!).toBeLessThan(metrics(src).filter((m) => m.loss !== undefined)[0]!.loss! - 0.3);
      expect(Tokenizer.fromFile(join(out, 'tokenizer.json')).getVocabSize()).toBe(Tokenizer.fromFile(tok).getVocabSize());
    }, 120_000);

    it(`${backend}: 10 steps + --resume in a new process + 10 = 20 steps, bit-identical losses`, async () => {
      const whole = join(dir, `whole-${backend}`), split = join(dir, `split-${backend}`);
      const llama = ['--model', 'llama', ...common];
      expect((await tessera(['train', ...llama, '--steps', '20', '--out', whole, '--quiet'])).code).toBe(0);
      expect((await tessera(['train', ...llama, '--steps', '10', '--lr-decay-steps', '20', '--out', split, '--quiet'])).code).toBe(0);
      const r = await tessera(['train', '--data', data, '--backend', backend, '--resume', '--steps', '20', '--out', split, '--quiet']);
      expect(r.code, r.stderr).toBe(0);
      const a = trainLosses(whole), b = trainLosses(split);
      expect(a).toHaveLength(20);
      expect(b).toEqual(a);
    }, 240_000);
  }
});
