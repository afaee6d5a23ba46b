/**
 * The training loop: nanoGPT's train.py with Hugging Face Trainer's names. Each optimizer step runs
 * `gradientAccumulationSteps` micro-batches inside one `tidy` (the live tensor count stays flat),
 * clips the gradient norm, skips (never applies) a step whose loss or gradients are not finite, and
 * reports loss, perplexity, learning rate, grad norm and tokens/s. Evaluation runs every
 * `evalInterval` steps on `evalIters` fixed validation batches under `noGrad`. Checkpoints hold
 * everything a resumed run needs to continue bit-identically: weights, optimizer state, the batch
 * generator's and core's RNG positions.
 */
import { getRngState, keep, noGrad, setRngState, tidy, type Tensor } from '@tessera/core';
import { SeededRandom, type LMBatch } from '@tessera/objectives';
import { batchTensors } from '@tessera/objectives';
import { TrainError, CheckpointError } from './errors.js';
import { finiteNumber, intAtLeast, knownKeys } from './check.js';
import { clipGradNorm } from './clip.js';
import { configureOptimizers } from './optim/configure.js';
import type { GroupOptions, Optimizer } from './optim/optimizer.js';
import { makeSchedule, SCHEDULE_NAMES, type Schedule, type ScheduleName } from './schedules.js';
import type { BatchSource } from './data/blocks.js';
import { latestCheckpoint, loadCheckpoint, saveCheckpoint, type SavableModel } from './checkpoint.js';

export interface TrainingArgs {
  /** Optimizer steps in all (a resumed run continues up to this). */
  maxSteps: number;
  batchSize: number;
  blockSize: number;
  gradientAccumulationSteps: number;
  lr: number;
  minLr: number;
  warmupSteps: number;
  schedule: ScheduleName;
  /** Steps over which the schedule decays (nanoGPT's lr_decay_iters); default maxSteps. */
  lrDecaySteps: number;
  weightDecay: number;
  betas: [number, number];
  eps: number;
  /** Clip the global gradient norm to this (0: no clipping, the norm is still reported). */
  maxGradNorm: number;
  /** Evaluate every N steps (0: only at the end). */
  evalInterval: number;
  evalIters: number;
  /** Save a checkpoint every N steps (0: only at the end); needs outputDir. */
  saveInterval: number;
  /** Checkpoints kept (older ones are deleted); HF's save_total_limit. */
  keepLast: number;
  outputDir: string | null;
  seed: number;
}

export const DEFAULT_ARGS: Omit<TrainingArgs, 'maxSteps' | 'batchSize' | 'blockSize' | 'lrDecaySteps'> = {
  gradientAccumulationSteps: 1, lr: 1e-3, minLr: 0, warmupSteps: 0, schedule: 'cosine', weightDecay: 0.1,
  betas: [0.9, 0.95], eps: 1e-8, maxGradNorm: 1, evalInterval: 0, evalIters: 20, saveInterval: 0, keepLast: 2,
  outputDir: null, seed: 1337,
};

export interface StepMetrics {
  step: number;
  loss: number;
  perplexity: number;
  lr: number;
  gradNorm: number;
  tokensPerSec: number;
  /** True when the update was skipped (a non-finite loss or gradient). */
  skipped: boolean;
}

export interface EvalMetrics { step: number; valLoss: number; valPerplexity: number }

export interface TrainerCallbacks {
  onStep?: (m: StepMetrics) => void | Promise<void>;
  onEval?: (m: EvalMetrics) => void | Promise<void>;
  onCheckpoint?: (c: { step: number; dir: string }) => void | Promise<void>;
  /** Skipped steps and other warnings (default: console.warn). */
  onWarning?: (message: string) => void;
}

/** What a model must offer: a Module whose forward takes labels and returns a loss, and savePretrained. */
export interface TrainableModel extends SavableModel {
  forward(inputs: { inputIds: Tensor; attentionMask?: Tensor; labels?: Tensor }): { loss?: Tensor };
}

export interface TrainerOptions {
  model: TrainableModel;
  args: Partial<TrainingArgs> & Pick<TrainingArgs, 'maxSteps' | 'batchSize' | 'blockSize'>;
  trainData: BatchSource;
  evalData?: BatchSource;
  /** Default: configureOptimizers(model, { lr, betas, eps, weightDecay }). */
  optimizer?: Optimizer<GroupOptions>;
  callbacks?: TrainerCallbacks;
  /** Writes more files into each checkpoint (the tokenizer). */
  saveExtra?: (dir: string) => Promise<void>;
}

export interface TrainerState {
  step: number;
  rng: { seed: number; counter: number };
  coreRng: { seed: number; offset: number };
  skippedSteps: number;
  tokensSeen: number;
  /** Every step's and evaluation's metrics so far (HF's log_history). */
  logHistory: (StepMetrics | EvalMetrics)[];
}

const EVAL_SEED_OFFSET = 0x5eed;
const ARG_KEYS = [...Object.keys(DEFAULT_ARGS), 'maxSteps', 'batchSize', 'blockSize', 'lrDecaySteps'];

function checkArgs(a: TrainingArgs): TrainingArgs {
  const w = 'Trainer';
  intAtLeast(w, 'args.maxSteps', a.maxSteps, 1);
  intAtLeast(w, 'args.batchSize', a.batchSize, 1);
  intAtLeast(w, 'args.blockSize', a.blockSize, 2);
  intAtLeast(w, 'args.gradientAccumulationSteps', a.gradientAccumulationSteps, 1);
  finiteNumber(w, 'args.lr', a.lr, 0);
  finiteNumber(w, 'args.minLr', a.minLr, 0, a.lr);
  intAtLeast(w, 'args.warmupSteps', a.warmupSteps, 0);
  if (!SCHEDULE_NAMES.includes(a.schedule)) throw new TrainError(`Trainer: args.schedule must be one of ${SCHEDULE_NAMES.join(', ')}, got ${String(a.schedule)}`);
  intAtLeast(w, 'args.lrDecaySteps', a.lrDecaySteps, 1);
  finiteNumber(w, 'args.weightDecay', a.weightDecay, 0);
  finiteNumber(w, 'args.eps', a.eps, 0);
  finiteNumber(w, 'args.maxGradNorm', a.maxGradNorm, 0);
  intAtLeast(w, 'args.evalInterval', a.evalInterval, 0);
  intAtLeast(w, 'args.evalIters', a.evalIters, 1);
  intAtLeast(w, 'args.saveInterval', a.saveInterval, 0);
  intAtLeast(w, 'args.keepLast', a.keepLast, 1);
  intAtLeast(w, 'args.seed', a.seed, 0);
  if (a.outputDir !== null && (typeof a.outputDir !== 'string' || !a.outputDir)) throw new TrainError(`Trainer: args.outputDir must be a folder path or null, got ${String(a.outputDir)}`);
  return a;
}

export class Trainer {
  readonly model: TrainableModel;
  readonly args: TrainingArgs;
  readonly optimizer: Optimizer<GroupOptions>;
  readonly schedule: Schedule;
  state: TrainerState;
  private rng: SeededRandom;
  private readonly trainData: BatchSource;
  private readonly evalData?: BatchSource;
  private readonly callbacks: TrainerCallbacks;
  private readonly saveExtra?: (dir: string) => Promise<void>;

  constructor(o: TrainerOptions) {
    if (!o || typeof o !== 'object') throw new TrainError('Trainer: takes { model, args, trainData, evalData?, optimizer?, callbacks?, saveExtra? }');
    knownKeys('Trainer', o, ['model', 'args', 'trainData', 'evalData', 'optimizer', 'callbacks', 'saveExtra']);
    if (!o.model || typeof o.model.forward !== 'function' || typeof o.model.parameters !== 'function') throw new TrainError('Trainer: model must be a Module with forward({ inputIds, labels }) returning { loss }');
    if (!o.trainData || typeof o.trainData.sample !== 'function') throw new TrainError('Trainer: trainData must be a BatchSource (e.g. trainValSplit(tokenFile).train)');
    if (!o.args || typeof o.args !== 'object') throw new TrainError('Trainer: args { maxSteps, batchSize, blockSize, ... } are required');
    knownKeys('Trainer: args', o.args, ARG_KEYS);
    this.args = checkArgs({ ...DEFAULT_ARGS, lrDecaySteps: o.args.maxSteps, ...o.args } as TrainingArgs);
    this.model = o.model;
    this.trainData = o.trainData;
    this.evalData = o.evalData;
    this.callbacks = o.callbacks ?? {};
    this.saveExtra = o.saveExtra;
    const a = this.args;
    this.optimizer = o.optimizer ?? configureOptimizers(o.model, { lr: a.lr, betas: a.betas, eps: a.eps, weightDecay: a.weightDecay });
    this.schedule = makeSchedule(a.schedule, { lr: a.lr, minLr: a.minLr, warmupSteps: Math.min(a.warmupSteps, a.lrDecaySteps), totalSteps: a.lrDecaySteps });
    this.rng = new SeededRandom(a.seed);
    this.state = { step: 0, rng: this.rng.state(), coreRng: getRngState(), skippedSteps: 0, tokensSeen: 0, logHistory: [] };
  }

  private warn(msg: string): void {
    (this.callbacks.onWarning ?? ((m: string) => console.warn(m)))(msg);
  }

  private lossOf(b: LMBatch): Tensor {
    const t = batchTensors(b);
    const padded = b.attentionMask.includes(0);
    const out = this.model.forward({ inputIds: t.inputIds, labels: t.labels, ...(padded ? { attentionMask: t.attentionMask } : {}) });
    if (!out || !out.loss) throw new TrainError('Trainer: model.forward({ inputIds, labels }) returned no loss');
    return out.loss;
  }

  /** One optimizer step (all micro-batches); returns its metrics. */
  async trainStep(): Promise<StepMetrics> {
    const a = this.args;
    const t0 = performance.now();
    const lr = this.schedule(this.state.step);
    for (const g of this.optimizer.paramGroups) g.lr = lr;
    this.model.train();
    const params = this.optimizer.params();
    const [lossT, normT] = tidy(() => {
      let total: Tensor | null = null;
      for (let m = 0; m < a.gradientAccumulationSteps; m++) {
        const loss = this.lossOf(this.trainData.sample(this.rng, a.batchSize, a.blockSize));
        const scaled = a.gradientAccumulationSteps > 1 ? loss.div(a.gradientAccumulationSteps) : loss;
        scaled.backward();
        const v = scaled.detach();
        total = total ? total.add(v) : v;
      }
      return [keep(total!), clipGradNorm(params, a.maxGradNorm > 0 ? a.maxGradNorm : Infinity)];
    });
    let loss: number, gradNorm: number;
    try {
      loss = (await lossT.data())[0]!;
      gradNorm = (await normT.data())[0]!;
    } finally {
      lossT.dispose();
      normT.dispose();
    }
    const skipped = !Number.isFinite(loss) || !Number.isFinite(gradNorm);
    if (skipped) {
      this.state.skippedSteps++;
      this.warn(`step ${this.state.step + 1}: ${!Number.isFinite(loss) ? `loss is ${loss}` : `gradient norm is ${gradNorm}`}; the update was skipped`);
    } else {
      this.optimizer.step();
    }
    this.optimizer.zeroGrad();
    this.state.step++;
    const tokens = a.batchSize * a.blockSize * a.gradientAccumulationSteps;
    this.state.tokensSeen += tokens;
    const m: StepMetrics = {
      step: this.state.step, loss, perplexity: Math.exp(loss), lr, gradNorm,
      tokensPerSec: tokens / ((performance.now() - t0) / 1000), skipped,
    };
    this.state.logHistory.push(m);
    await this.callbacks.onStep?.(m);
    return m;
  }

  /** Mean loss and perplexity over `evalIters` validation batches (the same batches every time). */
  async evaluate(): Promise<{ loss: number; perplexity: number }> {
    const data = this.evalData;
    if (!data) throw new TrainError('Trainer.evaluate: no evalData was given');
    const rng = new SeededRandom(this.args.seed + EVAL_SEED_OFFSET);
    const was = this.model.training;
    this.model.eval();
    let sum = 0;
    try {
      for (let i = 0; i < this.args.evalIters; i++) {
        const l = noGrad(() => tidy(() => keep(this.lossOf(data.sample(rng, this.args.batchSize, this.args.blockSize)))));
        try {
          sum += (await l.data())[0]!;
        } finally {
          l.dispose();
        }
      }
    } finally {
      this.model.train(was);
    }
    const loss = sum / this.args.evalIters;
    return { loss, perplexity: Math.exp(loss) };
  }

  private async runEval(): Promise<EvalMetrics> {
    const { loss } = await this.evaluate();
    const m: EvalMetrics = { step: this.state.step, valLoss: loss, valPerplexity: Math.exp(loss) };
    this.state.logHistory.push(m);
    await this.callbacks.onEval?.(m);
    return m;
  }

  /** Write `checkpoint-<step>` into args.outputDir (atomically) and rotate old ones. */
  async saveCheckpoint(): Promise<string> {
    if (!this.args.outputDir) throw new TrainError('Trainer.saveCheckpoint: args.outputDir is not set');
    this.state.rng = this.rng.state();
    this.state.coreRng = getRngState();
    const dir = await saveCheckpoint(this.args.outputDir, this.state.step, {
      model: this.model, optimizer: this.optimizer, extra: this.saveExtra,
      state: { ...this.state, args: this.args, format: 'tessera-trainer-state', version: 1 },
    }, this.args.keepLast);
    await this.callbacks.onCheckpoint?.({ step: this.state.step, dir });
    return dir;
  }

  /** Restore weights, optimizer and trainer state from a checkpoint folder. */
  async loadCheckpoint(dir: string): Promise<void> {
    const s = await loadCheckpoint(dir, this.model, this.optimizer);
    const bad = (what: string) => new CheckpointError(`${dir}/trainer_state.json: ${what}`, 'ERR_CHECKPOINT_FORMAT');
    const int = (v: unknown, what: string) => { if (!Number.isSafeInteger(v) || (v as number) < 0) throw bad(`${what} must be a non-negative integer, got ${String(v)}`); return v as number; };
    const rng = s.rng as TrainerState['rng'] | undefined, core = s.coreRng as TrainerState['coreRng'] | undefined;
    if (!rng || typeof rng !== 'object') throw bad('rng is missing');
    if (!core || typeof core !== 'object') throw bad('coreRng is missing');
    if (!Array.isArray(s.logHistory)) throw bad('logHistory must be an array');
    this.state = {
      step: int(s.step, 'step'), rng: { seed: int(rng.seed, 'rng.seed'), counter: int(rng.counter, 'rng.counter') },
      coreRng: { seed: int(core.seed, 'coreRng.seed'), offset: int(core.offset, 'coreRng.offset') },
      skippedSteps: int(s.skippedSteps, 'skippedSteps'), tokensSeen: int(s.tokensSeen, 'tokensSeen'),
      logHistory: s.logHistory as TrainerState['logHistory'],
    };
    this.rng = SeededRandom.fromState(this.state.rng);
    setRngState(this.state.coreRng);
  }

  /**
   * Train up to args.maxSteps. `resumeFromCheckpoint`: a checkpoint folder, or true for the latest in
   * args.outputDir. Returns the last step's and evaluation's metrics.
   */
  async train(opts: { resumeFromCheckpoint?: string | boolean } = {}): Promise<{ step: number; lastStep: StepMetrics | null; lastEval: EvalMetrics | null }> {
    const a = this.args;
    if (opts.resumeFromCheckpoint) {
      const dir = opts.resumeFromCheckpoint === true
        ? (a.outputDir ? await latestCheckpoint(a.outputDir) : null)
        : opts.resumeFromCheckpoint;
      if (!dir) throw new CheckpointError(`Trainer.train: no checkpoint to resume from in ${String(a.outputDir)}`, 'ERR_CHECKPOINT_NOT_FOUND');
      await this.loadCheckpoint(dir);
    }
    let lastStep: StepMetrics | null = null, lastEval: EvalMetrics | null = null;
    while (this.state.step < a.maxSteps) {
      lastStep = await this.trainStep();
      const s = this.state.step, end = s === a.maxSteps;
      if (this.evalData && ((a.evalInterval && s % a.evalInterval === 0) || end)) lastEval = await this.runEval();
      if (a.outputDir && ((a.saveInterval && s % a.saveInterval === 0) || end)) await this.saveCheckpoint();
    }
    return { step: this.state.step, lastStep, lastEval };
  }
}
