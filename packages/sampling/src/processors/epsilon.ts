/** HF EpsilonLogitsWarper: drop tokens whose probability is below epsilon. */
import { LogitsProcessor } from '../processor.js';
import { int, num, options } from '../check.js';
import { softmax, topIndices } from '../scores.js';

export class EpsilonLogitsWarper extends LogitsProcessor {
  readonly epsilon: number;
  readonly minTokensToKeep: number;
  constructor(o: { epsilon: number; minTokensToKeep?: number }) {
    super();
    const w = 'EpsilonLogitsWarper', opts = options<typeof o>(w, o, ['epsilon', 'minTokensToKeep']);
    this.epsilon = num(w, 'epsilon', opts.epsilon, 0, 1, { loOpen: true, hiOpen: true });
    this.minTokensToKeep = int(w, 'minTokensToKeep', opts.minTokensToKeep ?? 1, 1);
  }

  processRow(_ids: Int32Array, s: Float32Array): void {
    const p = softmax(s), keep = new Set(topIndices(s, this.minTokensToKeep));
    for (let i = 0; i < s.length; i++) if (p[i]! < this.epsilon && !keep.has(i)) s[i] = -Infinity;
  }
}
