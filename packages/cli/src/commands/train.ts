/**
 * `tessera train`: pre-train (or continue training) a causal LM on a text file, a folder of .txt
 * files or JSONL, with live progress, metrics.jsonl, loss.svg and checkpoints in --out. Every
 * argument is checked before anything is written.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { manualSeed } from '@tessera/core';
import type { ConfigDict } from '@tessera/nn';
import { DataError, latestCheckpoint, openDataSource, prepareTokens, SCHEDULE_NAMES, Trainer, trainValSplit, unigramBaseline, type ScheduleName, type TrainingArgs } from '@tessera/train';
import { backendLabel, BACKENDS, useBackend } from '../backend.js';
import { UsageError } from '../errors.js';
import { MetricsLog } from '../metrics.js';
import { buildModel, defaultConfig, FAMILIES, loadModel, positionsOf, readConfigArg, vocabOf, type Family } from '../model.js';
import { int, num } from '../options.js';
import { writeLossPlot } from '../plot.js';
import { progress } from '../progress.js';
import { eosId, loadTokenizer, saveTokenizer } from '../tokenizer.js';

export interface TrainOptions {
  model?: Family; config?: string; tokenizer?: string; objective: 'clm'; data: string; textField: string;
  backend?: string; steps: number; batchSize: number; blockSize: number; gradAccum: number; lr: number; minLr?: number;
  warmup: number; schedule: ScheduleName; lrDecaySteps?: number; weightDecay: number; maxGradNorm: number;
  evalInterval: number; evalIters: number; saveInterval?: number; keepLast: number; valFraction: number; seed: number;
  out: string; resume?: boolean; from?: string; quiet?: boolean;
}

/** Flags that set training arguments: fixed by the checkpoint on --resume. */
const RUN_FLAGS: [keyof TrainOptions, string][] = [
  ['model', '--model'], ['config', '--config'], ['tokenizer', '--tokenizer'], ['from', '--from'], ['batchSize', '--batch-size'],
  ['blockSize', '--block-size'], ['gradAccum', '--grad-accum'], ['lr', '--lr'], ['minLr', '--min-lr'], ['warmup', '--warmup'],
  ['schedule', '--schedule'], ['lrDecaySteps', '--lr-decay-steps'], ['weightDecay', '--weight-decay'], ['maxGradNorm', '--max-grad-norm'],
  ['evalInterval', '--eval-interval'], ['evalIters', '--eval-iters'], ['saveInterval', '--save-interval'], ['keepLast', '--keep-last'],
  ['seed', '--seed'],
];

export function trainCommand(): Command {
  return new Command('train')
    .description('pre-train a causal LM (GPT-2 or LLaMA family) on your text; writes checkpoints, metrics.jsonl and loss.svg into --out')
    .addOption(new Option('--model <family>', 'model family to build').choices(FAMILIES))
    .option('--config <path>', 'config.json (or a folder holding one) for the model; default: a small 4-layer model')
    .option('--tokenizer <path>', 'tokenizer.json (default: the one in --from)')
    .addOption(new Option('--objective <name>', 'training objective').choices(['clm']).default('clm'))
    .requiredOption('--data <path>', 'a text file, a folder of .txt files, or a .jsonl file')
    .option('--text-field <name>', 'JSONL: the field holding the text', 'text')
    .addOption(new Option('--backend <name>', 'backend (default: the best that works here)').choices(BACKENDS))
    .option('--steps <n>', 'optimizer steps in all (--resume continues up to this)', int(1), 1000)
    .option('--batch-size <n>', 'blocks per micro-batch', int(1), 12)
    .option('--block-size <n>', 'tokens per block', int(2), 64)
    .option('--grad-accum <n>', 'micro-batches per optimizer step', int(1), 1)
    .option('--lr <x>', 'peak learning rate', num(0), 1e-3)
    .option('--min-lr <x>', 'floor of the decay (default lr / 10)', num(0))
    .option('--warmup <n>', 'warmup steps', int(0), 100)
    .addOption(new Option('--schedule <name>', 'learning-rate schedule').choices(SCHEDULE_NAMES as string[]).default('cosine'))
    .option('--lr-decay-steps <n>', 'steps of the decay (default --steps)', int(1))
    .option('--weight-decay <x>', 'AdamW decay of ≥ 2-D weights', num(0), 0.1)
    .option('--max-grad-norm <x>', 'clip the gradient norm (0: no clipping)', num(0), 1)
    .option('--eval-interval <n>', 'evaluate every n steps', int(1), 100)
    .option('--eval-iters <n>', 'validation batches per evaluation', int(1), 20)
    .option('--save-interval <n>', 'checkpoint every n steps (default --eval-interval)', int(1))
    .option('--keep-last <n>', 'checkpoints kept', int(1), 2)
    .option('--val-fraction <x>', 'share of the tokens held out for validation', num(0.001, 0.5), 0.1)
    .option('--seed <n>', 'seed of the initialisation and the batches', int(0), 1337)
    .requiredOption('--out <dir>', 'output folder')
    .option('--resume', 'continue from the latest checkpoint in --out')
    .option('--from <dir>', 'start from a pretrained folder (config.json + model.safetensors + tokenizer.json)')
    .option('--quiet', 'no progress output')
    .action(async (o: TrainOptions, cmd: Command) => { await runTrain(o, cmd); });
}

interface Plan {
  family: Family | null;
  dict: ConfigDict | null;
  fromDir: string | null;
  tokenizerPath: string;
  resumeDir: string | null;
}

/** Check everything that can be checked before a byte is written. */
async function plan(o: TrainOptions, cmd: Command): Promise<Plan> {
  try {
    await openDataSource(o.data, { textField: o.textField });
  } catch (e) {
    if (e instanceof DataError) throw new UsageError(`--data: ${e.message}`);
    throw e;
  }
  if (o.resume) {
    const given = RUN_FLAGS.filter(([k]) => cmd.getOptionValueSource(k) === 'cli').map(([, f]) => f);
    if (given.length) throw new UsageError(`${given.join(', ')} cannot change on --resume (the checkpoint's settings are used); to change them start a new run with --from ${join(o.out, 'checkpoint-N')}`);
    const dir = await latestCheckpoint(o.out);
    if (!dir) throw new UsageError(`--resume: no checkpoint in '${o.out}' (checkpoint-N folders with trainer_state.json); run without --resume first`);
    return { family: null, dict: null, fromDir: null, tokenizerPath: join(dir, 'tokenizer.json'), resumeDir: dir };
  }
  if (existsSync(o.out) && (await latestCheckpoint(o.out))) {
    throw new UsageError(`--out: '${o.out}' already holds checkpoints; add --resume to continue that run, or choose another --out`);
  }
  if (o.from) {
    if (o.config) throw new UsageError('--from and --config exclude each other: --from brings its own config.json');
    if (!existsSync(join(o.from, 'config.json'))) throw new UsageError(`--from: '${o.from}' holds no config.json (a folder written by savePretrained)`);
    const tokenizerPath = o.tokenizer ?? join(o.from, 'tokenizer.json');
    if (!existsSync(tokenizerPath)) throw new UsageError(`--from: '${o.from}' holds no tokenizer.json; pass --tokenizer`);
    const dict = readConfigArg(o.from);
    if (o.model && dict.model_type !== o.model) throw new UsageError(`--model ${o.model} does not match --from's model_type '${String(dict.model_type)}'`);
    return { family: null, dict, fromDir: o.from, tokenizerPath, resumeDir: null };
  }
  if (!o.model) throw new UsageError('--model is required (gpt2 or llama) unless --from or --resume is given');
  if (!o.tokenizer) throw new UsageError('--tokenizer is required to train from scratch: pass a tokenizer.json, or make one with `tessera train-tokenizer`');
  const dict = o.config ? readConfigArg(o.config) : null;
  if (dict?.model_type !== undefined && dict.model_type !== o.model) throw new UsageError(`--config has model_type '${String(dict.model_type)}', but --model is ${o.model}`);
  return { family: o.model, dict, fromDir: null, tokenizerPath: o.tokenizer, resumeDir: null };
}

/** The checkpoint's training arguments and step (the Trainer checks the rest of the file). */
function checkpointState(dir: string): { args: TrainingArgs; step: number } {
  const s = JSON.parse(readFileSync(join(dir, 'trainer_state.json'), 'utf8')) as { args?: TrainingArgs; step?: unknown };
  if (!s.args || typeof s.args !== 'object') throw new UsageError(`--resume: ${dir}/trainer_state.json has no args`);
  if (!Number.isSafeInteger(s.step) || (s.step as number) < 0) throw new UsageError(`--resume: ${dir}/trainer_state.json has no step`);
  return { args: s.args, step: s.step as number };
}

export async function runTrain(o: TrainOptions, cmd: Command): Promise<void> {
  const p = await plan(o, cmd);
  const say = (line: string) => { if (!o.quiet) console.log(line); };
  const tokenizer = loadTokenizer(p.tokenizerPath, p.resumeDir ? '--resume' : p.fromDir && !o.tokenizer ? '--from' : '--tokenizer');
  const vocab = tokenizer.getVocabSize(true);

  // the model's config, checked against the tokenizer and the block size
  let eos: { id: number; token: string };
  let dict: ConfigDict | null = p.dict;
  if (p.family) {
    eos = eosId(tokenizer, dict?.eos_token_id);
    dict ??= defaultConfig(p.family, vocab, Math.max(o.blockSize, 128), eos.id);
  } else {
    dict = p.dict ?? readConfigArg(p.resumeDir!);
    eos = eosId(tokenizer, dict.eos_token_id);
  }
  const cfgVocab = vocabOf(dict);
  if (cfgVocab !== undefined && cfgVocab < vocab) {
    throw new UsageError(`the config's vocab_size ${cfgVocab} is smaller than the tokenizer's ${vocab} ids: set vocab_size ≥ ${vocab} in the config, or use a smaller tokenizer`);
  }
  const family = (p.family ?? dict.model_type) as Family;
  if (!FAMILIES.includes(family)) throw new UsageError(`model_type '${String(dict.model_type)}' cannot be trained with the clm objective here (supported: ${FAMILIES.join(', ')})`);
  const resumed = p.resumeDir ? checkpointState(p.resumeDir) : null;
  const startStep = resumed?.step ?? 0;
  const args: Partial<TrainingArgs> & Pick<TrainingArgs, 'maxSteps' | 'batchSize' | 'blockSize'> = resumed
    ? { ...resumed.args, maxSteps: o.steps, outputDir: o.out }
    : {
      maxSteps: o.steps, batchSize: o.batchSize, blockSize: o.blockSize, gradientAccumulationSteps: o.gradAccum, lr: o.lr,
      minLr: o.minLr ?? o.lr / 10, warmupSteps: Math.min(o.warmup, o.lrDecaySteps ?? o.steps), schedule: o.schedule,
      lrDecaySteps: o.lrDecaySteps ?? o.steps, weightDecay: o.weightDecay, maxGradNorm: o.maxGradNorm,
      evalInterval: o.evalInterval, evalIters: o.evalIters, saveInterval: o.saveInterval ?? o.evalInterval, keepLast: o.keepLast,
      outputDir: o.out, seed: o.seed,
    };
  const positions = positionsOf(family, dict);
  if (args.blockSize > positions) throw new UsageError(`--block-size ${args.blockSize} exceeds the model's ${positions} positions`);
  if (resumed && args.maxSteps <= startStep) throw new UsageError(`--resume: the checkpoint is already at step ${startStep}; pass a larger --steps`);

  // from here on, files are written
  const backend = await useBackend(o.backend);
  // a data problem found while tokenizing still leaves nothing behind: what this run created goes
  const createdOut = !existsSync(o.out), cacheDir = join(o.out, 'data'), createdCache = !existsSync(cacheDir);
  const undo = () => rmSync(createdOut ? o.out : cacheDir, { recursive: true, force: true });
  mkdirSync(o.out, { recursive: true });
  const tokBar = o.quiet ? null : progress('tokenizing', 100, 0);
  let tokens;
  try {
    tokens = await prepareTokens({
      data: o.data, tokenizer, cacheDir, eosTokenId: eos.id, textField: o.textField,
      onProgress: (q) => tokBar?.update(Math.floor((100 * q.bytesDone) / Math.max(1, q.bytesTotal)), { tokens: String(q.tokens) }),
    });
  } catch (e) {
    if (createdOut || createdCache) undo();
    if (e instanceof DataError) throw new UsageError(`--data: ${e.message}`);
    throw e;
  } finally {
    tokBar?.stop();
  }
  const { train, val } = trainValSplit(tokens, o.valFraction);
  if (val.numTokens < args.blockSize + 1 || train.numTokens < args.blockSize + 1) {
    tokens.close();
    if (createdOut || createdCache) undo();
    throw new UsageError(`--data has ${tokens.length} tokens: too few for blocks of ${args.blockSize} in both splits; add text or lower --block-size`);
  }
  const baseline = unigramBaseline(train, val, vocab);
  say(`backend: ${backendLabel(backend)}`);
  say(`data: ${tokens.length.toLocaleString('en-US')} tokens (${tokens.header.numDocuments} documents), ${train.numTokens.toLocaleString('en-US')} train / ${val.numTokens.toLocaleString('en-US')} validation; unigram baseline ${baseline.toFixed(3)} nats`);

  manualSeed(args.seed ?? o.seed);
  const model = p.resumeDir ? await loadModel(p.resumeDir, '--resume') : p.fromDir ? await loadModel(p.fromDir, '--from') : buildModel(family, dict);
  say(`model: ${family}, ${(model.numParameters() / 1e6).toFixed(2)}M parameters, block ${args.blockSize}, batch ${args.batchSize}×${args.gradientAccumulationSteps ?? 1}`);

  const metrics = new MetricsLog(join(o.out, 'metrics.jsonl'));
  metrics.truncateAfter(startStep);
  const bar = o.quiet ? null : progress('training', args.maxSteps, startStep);
  const plot = () => writeLossPlot(join(o.out, 'loss.svg'), metrics.points(), `${family} (${(model.numParameters() / 1e6).toFixed(1)}M parameters) on ${basename(o.data)}`, baseline);
  const trainer = new Trainer({
    model, trainData: train, evalData: val, args,
    saveExtra: async (dir) => saveTokenizer(tokenizer, dir, eos.token, positions),
    callbacks: {
      onStep: (m) => {
        metrics.append({ step: m.step, loss: m.loss, lr: m.lr, tokensPerSec: m.tokensPerSec, gradNorm: m.gradNorm, ...(m.skipped ? { skipped: true } : {}) });
        bar?.update(m.step, { loss: m.loss.toFixed(3), lr: m.lr.toExponential(1), 'tok/s': Math.round(m.tokensPerSec).toString() });
      },
      onEval: async (m) => {
        metrics.append({ step: m.step, valLoss: m.valLoss });
        bar?.log(`step ${m.step}: validation loss ${m.valLoss.toFixed(4)}, perplexity ${m.valPerplexity.toFixed(2)}`);
        await plot();
      },
      onCheckpoint: ({ dir }) => { bar?.log(`saved ${dir}`); },
      onWarning: (w) => { if (bar) bar.log(`warning: ${w}`); else console.warn(`warning: ${w}`); },
    },
  });
  const t0 = Date.now();
  const r = await trainer.train(p.resumeDir ? { resumeFromCheckpoint: p.resumeDir } : {});
  bar?.stop();
  tokens.close();
  await model.savePretrained(o.out);
  saveTokenizer(tokenizer, o.out, eos.token, positions);
  await plot();
  const last = r.lastEval;
  say(`trained ${r.step - startStep} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (last) say(`validation loss ${last.valLoss.toFixed(4)} (perplexity ${last.valPerplexity.toFixed(2)}); unigram baseline ${baseline.toFixed(4)} (perplexity ${Math.exp(baseline).toFixed(2)})`);
  say(`model and tokenizer: ${resolve(o.out)}; metrics: ${join(o.out, 'metrics.jsonl')}; plot: ${join(o.out, 'loss.svg')}`);
  model.dispose();
}
