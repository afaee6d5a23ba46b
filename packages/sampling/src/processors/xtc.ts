/**
 * llama.cpp's XTC ("exclude top choices") sampler: with probability `probability` (a seeded draw
 * per row and step), every token whose probability is ≥ threshold except the least likely of them is
 * removed — when at least two reach the threshold.
 */
import { SeededRandom } from '@tessera/objectives';
import { LogitsProcessor } from '../processor.js';
import { int, num, options } from '../check.js';
import { argsortDesc, softmax } from '../scores.js';

export class XTCLogitsWarper extends LogitsProcessor {
  readonly probability: number;
  readonly threshold: number;
  readonly minTokensToKeep: number;
  private readonly rng: SeededRandom;
  constructor(o: { probability: number; threshold: number; seed?: number; minTokensToKeep?: number }) {
    super();
    const w = 'XTCLogitsWarper', opts = options<typeof o>(w, o, ['probability', 'threshold', 'seed', 'minTokensToKeep']);
    this.probability = num(w, 'probability', opts.probability, 0, 1);
    this.threshold = num(w, 'threshold', opts.threshold, 0, 1);
    this.minTokensToKeep = int(w, 'minTokensToKeep', opts.minTokensToKeep ?? 1, 1);
    this.rng = new SeededRandom(int(w, 'seed', opts.seed ?? 0, 0));
  }

  processRow(_ids: Int32Array, s: Float32Array): void {
    if (this.probability === 0 || this.threshold > 0.5 || this.rng.next() >= this.probability) return;
    const p = softmax(s), order = argsortDesc(p);
    let above = 0;
    while (above < order.length && p[order[above]!]! >= this.threshold) above++;
    if (above < 2 || order.length - (above - 1) < this.minTokensToKeep) return;
    for (let r = 0; r < above - 1; r++) s[order[r]!] = -Infinity;
  }
}
