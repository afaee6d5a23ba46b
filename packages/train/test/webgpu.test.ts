import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tessera/backend-cpu';
import { setBackend } from '@tessera/core';
import { startWebGpuBackend } from '../../../test-utils/webgpu-env.js';
import { Trainer } from '../src/index.js';
import { tinyCorpus, tinyGpt } from './helpers.js';

const reason = await startWebGpuBackend('train');
const args = { maxSteps: 4, batchSize: 2, blockSize: 8, lr: 3e-3, warmupSteps: 1, evalIters: 2, evalInterval: 2 };

async function run(backend: string, outputDir: string | null = null, resume?: string) {
  await setBackend(backend);
  const { train, val } = tinyCorpus();
  const model = tinyGpt(11, 0);
  const losses: number[] = [], evals: number[] = [];
  const t = new Trainer({ model, trainData: train, evalData: val, args: { ...args, outputDir, saveInterval: 2 }, callbacks: { onStep: (m) => { losses.push(m.loss); }, onEval: (m) => { evals.push(m.valLoss); } } });
  await t.train(resume ? { resumeFromCheckpoint: resume } : {});
  model.dispose();
  t.optimizer.dispose();
  await setBackend('cpu');
  return { losses, evals };
}

describe.skipIf(reason !== null)(`Trainer on webgpu${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('trains, evaluates and resumes from a checkpoint as on cpu', async () => {
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    gpu.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i]!) / cpu.losses[i]!).toBeLessThan(1e-3));
    gpu.evals.forEach((l, i) => expect(Math.abs(l - cpu.evals[i]!) / cpu.evals[i]!).toBeLessThan(1e-3));
    const dir = mkdtempSync(join(tmpdir(), 'tessera-webgpu-'));
    await run('webgpu', dir);
    const resumed = await run('webgpu', dir, join(dir, 'checkpoint-2'));
    expect(resumed.losses).toEqual(gpu.losses.slice(2));
  }, 300_000);
});
