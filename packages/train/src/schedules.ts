/**
 * Learning-rate schedules as pure functions of the optimizer step (0-based: the value at step s is
 * the rate of the (s+1)-th update), with Hugging Face's formulas (transformers.optimization):
 * warmup rises linearly from 0; the decays take an optional floor `minLr` (nanoGPT's min_lr).
 */
import { TrainError } from './errors.js';
import { finiteNumber, intAtLeast } from './check.js';

export type Schedule = (step: number) => number;
export type ScheduleName = 'constant' | 'linear' | 'cosine' | 'inverse_sqrt';
export const SCHEDULE_NAMES: readonly ScheduleName[] = ['constant', 'linear', 'cosine', 'inverse_sqrt'];

export interface ScheduleOptions {
  /** Peak learning rate. */
  lr: number;
  warmupSteps?: number;
  /** Steps over which linear / cosine decay to minLr (required for them). */
  totalSteps?: number;
  minLr?: number;
}

function stepOf(s: number): number {
  if (!Number.isSafeInteger(s) || s < 0) throw new TrainError(`schedule: step must be an integer ≥ 0, got ${String(s)}`);
  return s;
}

const warm = (s: number, w: number) => (w > 0 && s < w ? s / w : 1);

/** The schedule `name` with these options; every option is checked here, once. */
export function makeSchedule(name: ScheduleName, o: ScheduleOptions): Schedule {
  const where = `makeSchedule('${String(name)}')`;
  if (!SCHEDULE_NAMES.includes(name)) throw new TrainError(`makeSchedule: unknown schedule '${String(name)}' (known: ${SCHEDULE_NAMES.join(', ')})`);
  const lr = finiteNumber(where, 'lr', o?.lr, 0);
  const w = intAtLeast(where, 'warmupSteps', o.warmupSteps ?? 0, 0);
  const minLr = finiteNumber(where, 'minLr', o.minLr ?? 0, 0, lr);
  if (name === 'constant') return (s) => lr * warm(stepOf(s), w);
  if (name === 'inverse_sqrt') {
    // HF get_inverse_sqrt_schedule with timescale = warmupSteps (or 1 without warmup)
    const t = Math.max(w, 1);
    return (s) => {
      stepOf(s);
      if (s < w) return lr * s / w;
      return Math.max(minLr, lr / Math.sqrt((s + t - w) / t));
    };
  }
  const total = intAtLeast(where, 'totalSteps', o.totalSteps, 1);
  if (w > total) throw new TrainError(`${where}: warmupSteps ${w} exceeds totalSteps ${total}`);
  const decay = name === 'linear' ? (p: number) => 1 - p : (p: number) => 0.5 * (1 + Math.cos(Math.PI * p));
  return (s) => {
    stepOf(s);
    if (s < w) return lr * s / w;
    const p = Math.min(1, (s - w) / Math.max(1, total - w));
    return minLr + (lr - minLr) * Math.max(0, decay(p));
  };
}

export const constantSchedule = (o: ScheduleOptions) => makeSchedule('constant', o);
export const linearSchedule = (o: ScheduleOptions) => makeSchedule('linear', o);
export const cosineSchedule = (o: ScheduleOptions) => makeSchedule('cosine', o);
export const inverseSqrtSchedule = (o: ScheduleOptions) => makeSchedule('inverse_sqrt', o);
