/**
 * Checkpoints in Hugging Face Trainer's layout: `<outputDir>/checkpoint-<step>/` holds the model
 * (savePretrained: config.json, model.safetensors, ...), `optimizer.safetensors` (the optimizer's
 * state tensors, its groups and numbers in the metadata) and `trainer_state.json`. A checkpoint is
 * written into a temporary folder and renamed into place, so a crash mid-write (even kill -9) leaves
 * the previous checkpoints whole; `keepLast` rotates old ones away after the rename.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { isTensor, type Tensor } from '@tessera/core';
import { loadSafetensorsCheckpoint, loadSafetensorsFile, saveSafetensorsFile, StateDictError, type Module } from '@tessera/nn';
import { CheckpointError } from './errors.js';
import type { Optimizer, OptimizerStateDict, ParamState, GroupOptions } from './optim/optimizer.js';

export const TRAINER_STATE_NAME = 'trainer_state.json';
export const OPTIMIZER_NAME = 'optimizer.safetensors';
const PREFIX = 'checkpoint-';

/** A model the trainer can save: a Module with savePretrained (every PreTrainedModel). */
export interface SavableModel extends Module { savePretrained(dir: string): Promise<void> }

export interface CheckpointContents {
  model: SavableModel;
  optimizer: Optimizer<GroupOptions>;
  /** JSON-serialisable trainer state. */
  state: Record<string, unknown>;
  /** Writes more files into the checkpoint folder (the tokenizer). */
  extra?: (dir: string) => Promise<void>;
}

/** Optimizer state → safetensors tensors + metadata (groups and per-parameter numbers as JSON). */
function optimizerFile(sd: OptimizerStateDict): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const tensors: Record<string, Tensor> = {};
  const numbers: Record<string, Record<string, number>> = {};
  for (const [i, s] of Object.entries(sd.state)) {
    for (const [k, v] of Object.entries(s)) {
      if (isTensor(v)) tensors[`state.${i}.${k}`] = v;
      else (numbers[i] ??= {})[k] = v;
    }
  }
  return { tensors, metadata: { format: 'tessera-optimizer', param_groups: JSON.stringify(sd.paramGroups), numbers: JSON.stringify(numbers) } };
}

function optimizerState(tensors: Record<string, Tensor>, metadata: Record<string, string>, file: string): OptimizerStateDict {
  const bad = (what: string) => new CheckpointError(`${file}: ${what}`, 'ERR_CHECKPOINT_FORMAT');
  if (metadata.format !== 'tessera-optimizer') throw bad(`metadata format is '${String(metadata.format)}', expected 'tessera-optimizer'`);
  let paramGroups: unknown, numbers: unknown;
  try {
    paramGroups = JSON.parse(metadata.param_groups ?? '');
    numbers = JSON.parse(metadata.numbers ?? '');
  } catch {
    throw bad('metadata param_groups / numbers are not valid JSON');
  }
  if (!Array.isArray(paramGroups) || !paramGroups.every((g) => g && typeof g === 'object' && Array.isArray(g.params))) throw bad('param_groups must be an array of { params: [...], ...options }');
  if (!numbers || typeof numbers !== 'object') throw bad('numbers must be an object');
  const state: Record<number, ParamState> = {};
  for (const [i, s] of Object.entries(numbers as Record<string, unknown>)) {
    if (!s || typeof s !== 'object') throw bad(`numbers.${i} must be an object`);
    for (const [k, v] of Object.entries(s)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`numbers.${i}.${k} must be a finite number`);
      (state[Number(i)] ??= {})[k] = v;
    }
  }
  for (const [name, t] of Object.entries(tensors)) {
    const m = /^state\.(\d+)\.(\w+)$/.exec(name);
    if (!m) throw bad(`unexpected tensor '${name}' (expected state.<index>.<name>)`);
    (state[Number(m[1])] ??= {})[m[2]!] = t;
  }
  return { state, paramGroups: paramGroups as Record<string, unknown>[] };
}

/** Write `checkpoint-<step>` atomically into `outputDir`; returns its path. */
export async function saveCheckpoint(outputDir: string, step: number, c: CheckpointContents, keepLast = Infinity): Promise<string> {
  await fsp.mkdir(outputDir, { recursive: true });
  const final = join(outputDir, `${PREFIX}${step}`);
  const tmp = join(outputDir, `.tmp-${PREFIX}${step}-${process.pid}`);
  await fsp.rm(tmp, { recursive: true, force: true });
  await fsp.mkdir(tmp);
  await c.model.savePretrained(tmp);
  const opt = optimizerFile(c.optimizer.stateDict());
  await saveSafetensorsFile(join(tmp, OPTIMIZER_NAME), opt.tensors, opt.metadata);
  await fsp.writeFile(join(tmp, TRAINER_STATE_NAME), `${JSON.stringify(c.state, null, 2)}\n`);
  await c.extra?.(tmp);
  await fsp.rm(final, { recursive: true, force: true });
  await fsp.rename(tmp, final);
  const all = await listCheckpoints(outputDir);
  for (const old of all.slice(0, Math.max(0, all.length - keepLast))) await fsp.rm(old.dir, { recursive: true, force: true });
  return final;
}

/** Complete checkpoints in `outputDir`, oldest first (temporary folders of interrupted writes are skipped). */
export async function listCheckpoints(outputDir: string): Promise<{ step: number; dir: string }[]> {
  let names: string[];
  try {
    names = await fsp.readdir(outputDir);
  } catch {
    return [];
  }
  const out: { step: number; dir: string }[] = [];
  for (const n of names) {
    const m = /^checkpoint-(\d+)$/.exec(n);
    if (!m) continue;
    const dir = join(outputDir, n);
    try {
      await fsp.access(join(dir, TRAINER_STATE_NAME));
      out.push({ step: Number(m[1]), dir });
    } catch {
      // not a complete checkpoint
    }
  }
  return out.sort((a, b) => a.step - b.step);
}

export async function latestCheckpoint(outputDir: string): Promise<string | null> {
  return (await listCheckpoints(outputDir)).at(-1)?.dir ?? null;
}

/** Load weights into `model` and state into `optimizer`; returns the parsed trainer_state.json. */
export async function loadCheckpoint(dir: string, model: Module, optimizer: Optimizer<GroupOptions>): Promise<Record<string, unknown>> {
  let raw: string;
  try {
    raw = await fsp.readFile(join(dir, TRAINER_STATE_NAME), 'utf8');
  } catch {
    throw new CheckpointError(`'${dir}' is not a complete checkpoint: ${TRAINER_STATE_NAME} is missing`, 'ERR_CHECKPOINT_NOT_FOUND');
  }
  let state: unknown;
  try {
    state = JSON.parse(raw);
  } catch {
    throw new CheckpointError(`${join(dir, TRAINER_STATE_NAME)} is not valid JSON`, 'ERR_CHECKPOINT_FORMAT');
  }
  if (!state || typeof state !== 'object' || Array.isArray(state)) throw new CheckpointError(`${join(dir, TRAINER_STATE_NAME)} must hold a JSON object`, 'ERR_CHECKPOINT_FORMAT');
  const weights = await loadSafetensorsCheckpoint(dir);
  try {
    model.loadStateDict(weights.tensors); // in place: the optimizer's parameters stay the model's
  } catch (e) {
    if (e instanceof StateDictError) throw new CheckpointError(`${dir}: the checkpoint's weights do not fit this model (${e.message.replace(/^loadStateDict: /, '')})`, 'ERR_CHECKPOINT_MISMATCH');
    throw e;
  } finally {
    for (const t of Object.values(weights.tensors)) t.dispose();
  }
  const optFile = join(dir, OPTIMIZER_NAME);
  const opt = await loadSafetensorsFile(optFile);
  try {
    optimizer.loadStateDict(optimizerState(opt.tensors, opt.metadata, optFile));
  } finally {
    for (const t of Object.values(opt.tensors)) t.dispose();
  }
  return state as Record<string, unknown>;
}
