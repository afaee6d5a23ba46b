import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BpeTrainer } from '@tessera/tokenizers';
import { tessera } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-errors-'));
const data = join(dir, 'corpus.txt');
const tok = join(dir, 'tokenizer.json');
const noEos = join(dir, 'no-eos.json');
const out = join(dir, 'out');

beforeAll(() => {
  const text = Array.from({ length: 400 }, (_, i) => `line ${i} of the sea and the whale`).join('\n');
  writeFileSync(data, text);
  new BpeTrainer({ vocabSize: 300, specialTokens: ['<|endoftext|>'] }).train([text]).save(tok);
  new BpeTrainer({ vocabSize: 300 }).train([text]).save(noEos);
  writeFileSync(join(dir, 'small-vocab.json'), JSON.stringify({ model_type: 'gpt2', vocab_size: 100, n_layer: 1, n_head: 1, n_embd: 8 }));
  writeFileSync(join(dir, 'bad.json'), '{ nope');
  writeFileSync(join(dir, 'short.json'), JSON.stringify({ model_type: 'gpt2', vocab_size: 300, n_positions: 32, n_layer: 1, n_head: 1, n_embd: 8 }));
  writeFileSync(join(dir, 'llama.json'), JSON.stringify({ model_type: 'llama' }));
  mkdirSync(join(dir, 'empty'));
  mkdirSync(join(dir, 'has-ckpt', 'checkpoint-5'), { recursive: true });
  writeFileSync(join(dir, 'has-ckpt', 'checkpoint-5', 'trainer_state.json'), '{}');
  writeFileSync(join(dir, 'rows.jsonl'), '{"body": "x"}\n');
});

const train = ['train', '--model', 'gpt2', '--tokenizer', tok, '--data', data, '--out', out, '--steps', '2', '--backend', 'cpu'];
const without = (flag: string) => { const a = [...train]; const i = a.indexOf(flag); a.splice(i, 2); return a; };
const swap = (flag: string, value: string) => { const a = [...train]; a[a.indexOf(flag) + 1] = value; return a; };

/** Problems found only while the data is tokenized. */
const LATE = new Set(['JSONL without the text field', 'too little data for the block size']);

const CASES: [string, string[], RegExp][] = [
  ['an unknown option', [...train, '--learning-rate', '1'], /unknown option '--learning-rate'/],
  ['a missing --data', without('--data'), /required option '--data <path>' not specified/],
  ['a missing --out', without('--out'), /required option '--out <dir>' not specified/],
  ['a data path that does not exist', swap('--data', join(dir, 'nope.txt')), /--data: data path '.*nope\.txt' does not exist/],
  ['a folder without .txt files', swap('--data', join(dir, 'empty')), /--data: data folder '.*empty' holds no \.txt files/],
  ['JSONL without the text field', swap('--data', join(dir, 'rows.jsonl')), /rows\.jsonl:1: field "text" is missing \(fields here: body\)/],
  ['an unknown model family', swap('--model', 'gpt3'), /argument 'gpt3' is invalid\. Allowed choices are gpt2, llama/],
  ['an unknown backend', swap('--backend', 'tpu'), /argument 'tpu' is invalid/],
  ['a non-numeric --steps', swap('--steps', 'ten'), /--steps <n>' argument 'ten' is invalid\. expected an integer ≥ 1/],
  ['a negative --lr', [...train, '--lr', '-1'], /--lr <x>' argument '-1' is invalid/],
  ['no tokenizer', without('--tokenizer'), /--tokenizer is required to train from scratch/],
  ['a tokenizer that does not exist', swap('--tokenizer', join(dir, 'none.json')), /--tokenizer: '.*none\.json' does not exist/],
  ['a tokenizer without an end-of-text token', swap('--tokenizer', noEos), /the tokenizer has no end-of-text token/],
  ['a config whose vocab is smaller than the tokenizer\'s', [...train, '--config', join(dir, 'small-vocab.json')], /vocab_size 100 is smaller than the tokenizer's 300 ids/],
  ['a config that is not JSON', [...train, '--config', join(dir, 'bad.json')], /--config: '.*bad\.json' is not valid JSON/],
  ['a config of another family', [...train, '--config', join(dir, 'llama.json')], /--config has model_type 'llama', but --model is gpt2/],
  ['a block larger than the model', [...train, '--config', join(dir, 'short.json'), '--block-size', '64'], /--block-size 64 exceeds the model's 32 positions/],
  ['too little data for the block size', [...train, '--block-size', '4096'], /--data has \d+ tokens: too few for blocks of 4096/],
  ['--resume without checkpoints', ['train', '--data', data, '--out', out, '--resume'], /--resume: no checkpoint in/],
  ['--resume with a changed setting', ['train', '--data', data, '--out', join(dir, 'has-ckpt'), '--resume', '--lr', '0.1'], /--lr cannot change on --resume/],
  ['--out that already holds a run', swap('--out', join(dir, 'has-ckpt')), /already holds checkpoints; add --resume/],
  ['--from without a model', [...without('--model'), '--from', join(dir, 'empty')], /--from: '.*empty' holds no config\.json/],
  ['no --model to train from scratch', without('--model'), /--model is required \(gpt2 or llama\)/],
  ['eval of a folder without a model', ['eval', '--model', join(dir, 'empty'), '--data', data], /--config: '.*config\.json' does not exist|holds no config\.json/],
  ['an unknown command', ['fly'], /unknown command 'fly'/],
  ['generate without a model folder', ['generate', '--model', join(dir, 'empty'), '--prompt', 'hi'], /--model: '.*empty' holds no config\.json/],
  ['generate with a sampling flag but no --do-sample', ['generate', '--model', join(dir, 'empty'), '--prompt', 'hi', '--top-p', '0.9'], /--top-p acts only when sampling: add --do-sample/],
  ['generate with a bad --top-p', ['generate', '--model', join(dir, 'empty'), '--prompt', 'hi', '--do-sample', '--top-p', '2'], /--top-p <x>' argument '2' is invalid/],
  ['plan with a bad count', ['plan', '--params', 'lots'], /expected a count like 1e9, 7B or 125M/],
  ['train-tokenizer on missing data', ['train-tokenizer', '--data', join(dir, 'nope'), '--out', join(dir, 't.json')], /--data: data path '.*nope' does not exist/],
];

describe('every CLI error path: exit code 2, one line, nothing written', () => {
  for (const [what, args, re] of CASES) {
    it(what, async () => {
      const before = readdirSync(dir).sort();
      const r = await tessera(args);
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^tessera: /);
      expect(lines[0]).toMatch(re);
      if (!LATE.has(what)) expect(r.stdout).toBe(''); // problems found while tokenizing follow its progress line
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir).sort()).toEqual(before);
    });
  }
});
