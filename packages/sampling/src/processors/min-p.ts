/** HF MinPLogitsWarper: drop tokens whose probability is below minP × the top probability. */
import { LogitsProcessor } from '../processor.js';
import { int, num, options } from '../check.js';
import { softmax, topIndices } from '../scores.js';

export class MinPLogitsWarper extends LogitsProcessor {
  readonly minP: number;
  readonly minTokensToKeep: number;
  constructor(o: { minP: number; minTokensToKeep?: number }) {
    super();
    const w = 'MinPLogitsWarper', opts = options<typeof o>(w, o, ['minP', 'minTokensToKeep']);
    this.minP = num(w, 'minP', opts.minP, 0, 1);
    this.minTokensToKeep = int(w, 'minTokensToKeep', opts.minTokensToKeep ?? 1, 1);
  }

  processRow(_ids: Int32Array, s: Float32Array): void {
    const p = softmax(s);
    let top = 0;
    for (const x of p) top = Math.max(top, x);
    const keep = new Set(topIndices(s, this.minTokensToKeep));
    for (let i = 0; i < s.length; i++) if (p[i]! < this.minP * top && !keep.has(i)) s[i] = -Infinity;
  }
}
