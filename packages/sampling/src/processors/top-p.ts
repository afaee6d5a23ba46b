/**
 * HF TopPLogitsWarper (nucleus): keep the smallest set of most probable tokens whose mass reaches
 * topP. As HF: sort ascending, drop tokens whose cumulative probability is ≤ 1 − topP, always keep
 * the last minTokensToKeep.
 */
import { LogitsProcessor } from '../processor.js';
import { int, num, options } from '../check.js';
import { argsortAsc, softmax } from '../scores.js';

export class TopPLogitsWarper extends LogitsProcessor {
  readonly topP: number;
  readonly minTokensToKeep: number;
  constructor(o: { topP: number; minTokensToKeep?: number }) {
    super();
    const w = 'TopPLogitsWarper', opts = options<typeof o>(w, o, ['topP', 'minTokensToKeep']);
    this.topP = num(w, 'topP', opts.topP, 0, 1, { loOpen: true });
    this.minTokensToKeep = int(w, 'minTokensToKeep', opts.minTokensToKeep ?? 1, 1);
  }

  processRow(_ids: Int32Array, s: Float32Array): void {
    const order = argsortAsc(s), p = softmax(s);
    let cum = 0;
    for (let r = 0; r < order.length - this.minTokensToKeep; r++) {
      cum += p[order[r]!]!;
      if (cum <= 1 - this.topP) s[order[r]!] = -Infinity;
      else break;
    }
  }
}
