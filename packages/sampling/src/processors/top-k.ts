/** HF TopKLogitsWarper: keep the max(topK, minTokensToKeep) largest scores; ties with the k-th are kept, as HF. */
import { LogitsProcessor } from '../processor.js';
import { int, options } from '../check.js';

export class TopKLogitsWarper extends LogitsProcessor {
  readonly topK: number;
  readonly minTokensToKeep: number;
  constructor(o: { topK: number; minTokensToKeep?: number }) {
    super();
    const w = 'TopKLogitsWarper', opts = options<typeof o>(w, o, ['topK', 'minTokensToKeep']);
    this.minTokensToKeep = int(w, 'minTokensToKeep', opts.minTokensToKeep ?? 1, 1);
    this.topK = Math.max(int(w, 'topK', opts.topK, 1), this.minTokensToKeep);
  }

  processRow(_ids: Int32Array, s: Float32Array): void {
    if (this.topK >= s.length) return;
    const kth = Float32Array.from(s).sort().reverse()[this.topK - 1]!;
    for (let i = 0; i < s.length; i++) if (s[i]! < kth) s[i] = -Infinity;
  }
}
