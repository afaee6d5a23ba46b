/** HF EtaLogitsWarper (eta sampling): drop tokens below η = min(ε, √ε · e^(−entropy)). */
import { LogitsProcessor } from '../processor.js';
import { int, num, options } from '../check.js';
import { softmax, topIndices } from '../scores.js';

export class EtaLogitsWarper extends LogitsProcessor {
  readonly epsilon: number;
  readonly minTokensToKeep: number;
  constructor(o: { epsilon: number; minTokensToKeep?: number }) {
    super();
    const w = 'EtaLogitsWarper', opts = options<typeof o>(w, o, ['epsilon', 'minTokensToKeep']);
    this.epsilon = num(w, 'epsilon', opts.epsilon, 0, 1, { loOpen: true, hiOpen: true });
    this.minTokensToKeep = int(w, 'minTokensToKeep', opts.minTokensToKeep ?? 1, 1);
  }

  processRow(_ids: Int32Array, s: Float32Array): void {
    const p = softmax(s);
    let ent = 0;
    for (const x of p) if (x > 0) ent -= x * Math.log(x);
    const eta = Math.min(this.epsilon, Math.sqrt(this.epsilon) * Math.exp(-ent));
    const keep = new Set(topIndices(s, this.minTokensToKeep));
    for (let i = 0; i < s.length; i++) if (p[i]! < eta && !keep.has(i)) s[i] = -Infinity;
  }
}
