import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tessera/backend-cpu';
import { memory, type Tensor } from '@tessera/core';
import { GPT2LMHeadModel } from '@tessera/nn';
import { SGD, Trainer, TrainError, latestCheckpoint, listCheckpoints, type TrainableModel } from '../src/index.js';
import { tinyCorpus, tinyGpt } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tessera-train-'));
const base = { maxSteps: 20, batchSize: 4, blockSize: 8, lr: 3e-3, warmupSteps: 2, evalIters: 2 };

describe('Trainer', () => {
  it('lowers the loss and reports every metric', async () => {
    const { train, val } = tinyCorpus();
    const model = tinyGpt(1, 0);
    const steps: number[] = [], evals: number[] = [];
    const t = new Trainer({
      model, trainData: train, evalData: val, args: { ...base, maxSteps: 60, lr: 1e-2, evalInterval: 30 },
      callbacks: { onStep: (m) => { steps.push(m.loss); expect(m.tokensPerSec).toBeGreaterThan(0); }, onEval: (m) => { evals.push(m.valLoss); } },
    });
    const before = await t.evaluate();
    const r = await t.train();
    expect(r.step).toBe(60);
    expect(steps).toHaveLength(60);
    expect(evals).toHaveLength(2);
    expect(r.lastEval!.valLoss).toBeLessThan(before.loss - 0.5);
    expect(r.lastStep!.perplexity).toBeCloseTo(Math.exp(r.lastStep!.loss), 6);
    expect(t.state.logHistory.filter((m) => 'valLoss' in m)).toHaveLength(2);
    // warmup: the first update runs at lr 0, then rises (HF's formula)
    expect((t.state.logHistory[0] as { lr: number }).lr).toBe(0);
    expect((t.state.logHistory[1] as { lr: number }).lr).toBeCloseTo(5e-3);
    model.dispose();
  });

  it('gradient accumulation of 4 x batch 2 equals batch 8 to 1e-6', async () => {
    const { train } = tinyCorpus();
    const run = async (batchSize: number, gradientAccumulationSteps: number) => {
      const model = tinyGpt(5, 0);
      const opt = new SGD(model.parameters(), { lr: 0.5 });
      const t = new Trainer({ model, optimizer: opt, trainData: train, args: { ...base, maxSteps: 1, warmupSteps: 0, lr: 0.5, schedule: 'constant', maxGradNorm: 0, batchSize, gradientAccumulationSteps } });
      const m = await t.trainStep();
      const params = model.parameters().map((p) => Float64Array.from(p.dataSync()));
      model.dispose();
      return { m, params };
    };
    const a = await run(8, 1), b = await run(2, 4);
    expect(b.m.loss).toBeCloseTo(a.m.loss, 6);
    expect(b.m.gradNorm).toBeCloseTo(a.m.gradNorm, 5);
    a.params.forEach((p, i) => p.forEach((v, j) => expect(Math.abs(v - b.params[i]![j]!)).toBeLessThan(1e-6)));
  });

  it('holds the live tensor count flat over 1000 steps', async () => {
    const { train } = tinyCorpus();
    const model = tinyGpt(2, 0.1);
    const t = new Trainer({ model, trainData: train, args: { ...base, maxSteps: 1001, batchSize: 2, blockSize: 4 } });
    await t.trainStep();
    const before = (memory().numTensors + memory().numFreedByGC);
    for (let i = 0; i < 1000; i++) await t.trainStep();
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
    model.dispose();
  });

  it('skips a step whose loss is NaN, with a warning, and applies nothing', async () => {
    const { train } = tinyCorpus();
    const model = tinyGpt(3, 0);
    let calls = 0;
    const forward = model.forward.bind(model);
    model.forward = (inputs) => {
      const out = forward(inputs);
      return ++calls === 2 ? { ...out, loss: out.loss!.mul(NaN) as Tensor } : out;
    };
    const poisoned: TrainableModel = model;
    const warnings: string[] = [];
    const t = new Trainer({ model: poisoned, trainData: train, args: { ...base, maxSteps: 3 }, callbacks: { onWarning: (w) => warnings.push(w) } });
    await t.trainStep();
    const before = model.parameters().map((p) => Array.from(p.dataSync()));
    const m = await t.trainStep();
    expect(m.skipped).toBe(true);
    expect(Number.isNaN(m.loss)).toBe(true);
    expect(model.parameters().map((p) => Array.from(p.dataSync()))).toEqual(before);
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/step 2: loss is NaN; the update was skipped/)]);
    const next = await t.trainStep();
    expect(next.skipped).toBe(false);
    expect(t.state.skippedSteps).toBe(1);
    model.dispose();
  });

  it('resumes from a checkpoint with bit-identical losses (dropout on)', async () => {
    const { train, val } = tinyCorpus();
    const losses = async (t: Trainer, from?: string) => {
      const out: number[] = [];
      (t as unknown as { callbacks: { onStep: (m: { loss: number }) => void } }).callbacks.onStep = (m) => { out.push(m.loss); };
      await t.train(from ? { resumeFromCheckpoint: from } : {});
      return out;
    };
    const mk = (outputDir: string | null, maxSteps: number) => {
      const model = tinyGpt(7, 0.1);
      return new Trainer({ model, trainData: train, evalData: val, args: { ...base, maxSteps, lrDecaySteps: 20, outputDir, evalInterval: 5 }, callbacks: {} });
    };
    const whole = await losses(mk(null, 20));
    const dir = tmp();
    const first = await losses(mk(dir, 10));
    expect(await latestCheckpoint(dir)).toBe(join(dir, 'checkpoint-10'));
    const rest = await losses(mk(dir, 20), join(dir, 'checkpoint-10'));
    expect([...first, ...rest]).toEqual(whole);
  });

  it('rotates checkpoints to keepLast', async () => {
    const { train } = tinyCorpus();
    const dir = tmp();
    const t = new Trainer({ model: tinyGpt(1, 0), trainData: train, args: { ...base, maxSteps: 8, saveInterval: 2, keepLast: 2, outputDir: dir } });
    const seen: number[] = [];
    (t as unknown as { callbacks: { onCheckpoint: (c: { step: number }) => void } }).callbacks.onCheckpoint = (c) => { seen.push(c.step); };
    await t.train();
    expect(seen).toEqual([2, 4, 6, 8]);
    expect((await listCheckpoints(dir)).map((c) => c.step)).toEqual([6, 8]);
    expect(readdirSync(join(dir, 'checkpoint-8')).sort()).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'optimizer.safetensors', 'trainer_state.json']);
    const back = await GPT2LMHeadModel.fromPretrained(join(dir, 'checkpoint-8'));
    expect(Array.from(back.transformer.wte.weight.dataSync())).toEqual(Array.from(t.model.parameters()[0]!.dataSync()));
  });

  it('rejects bad arguments with typed errors', () => {
    const { train } = tinyCorpus();
    const model = tinyGpt(1, 0);
    expect(() => new Trainer({ model, trainData: train, args: { ...base, maxSteps: 0 } })).toThrow(/maxSteps must be an integer ≥ 1/);
    expect(() => new Trainer({ model, trainData: train, args: { ...base, lr: NaN } })).toThrow(TrainError);
    expect(() => new Trainer({ model, trainData: train, args: { ...base, schedule: 'step' as never } })).toThrow(/schedule must be one of/);
    expect(() => new Trainer({ model, trainData: train, args: { ...base, learningRate: 1 } as never })).toThrow(/unknown option 'learningRate'/);
    expect(() => new Trainer({ model, trainData: {} as never, args: base })).toThrow(/trainData must be a BatchSource/);
    model.dispose();
  });
});
