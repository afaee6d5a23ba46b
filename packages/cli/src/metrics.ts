/**
 * metrics.jsonl: one JSON object a line — `{step, loss, lr, tokensPerSec}` for training steps,
 * `{step, valLoss}` for evaluations. A resumed run first drops the lines past its checkpoint, so
 * the file always tells one run's story.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { LossPoint } from './plot.js';

export type MetricsLine = { step: number; loss: number; lr: number; tokensPerSec: number; gradNorm?: number; skipped?: boolean } | { step: number; valLoss: number };

export class MetricsLog {
  constructor(readonly file: string) {}

  append(line: MetricsLine): void {
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }

  read(): MetricsLine[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => {
      try {
        const o = JSON.parse(l) as MetricsLine;
        return o && typeof o === 'object' && Number.isInteger(o.step) ? [o] : [];
      } catch {
        return []; // a line cut by a crash
      }
    });
  }

  /** Keep only lines up to `step` (rewritten atomically); `step` 0 empties the log. */
  truncateAfter(step: number): void {
    const keep = this.read().filter((m) => m.step <= step);
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, keep.map((m) => `${JSON.stringify(m)}\n`).join(''));
    renameSync(tmp, this.file);
  }

  points(): LossPoint[] {
    return this.read().map((m) => ('valLoss' in m
      ? { step: m.step, loss: m.valLoss, split: 'validation' as const }
      : { step: m.step, loss: m.loss, split: 'train' as const })).filter((p) => Number.isFinite(p.loss));
  }
}
