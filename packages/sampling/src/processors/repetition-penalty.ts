/** HF RepetitionPenaltyLogitsProcessor: for each token already in the row, a positive score is divided by penalty, a negative one multiplied. */
import { LogitsProcessor } from '../processor.js';
import { num, options } from '../check.js';

export class RepetitionPenaltyLogitsProcessor extends LogitsProcessor {
  readonly penalty: number;
  constructor(o: { penalty: number }) {
    super();
    const w = 'RepetitionPenaltyLogitsProcessor';
    this.penalty = num(w, 'penalty', options<typeof o>(w, o, ['penalty']).penalty, 0, Infinity, { loOpen: true });
  }

  processRow(ids: Int32Array, s: Float32Array): void {
    for (const t of new Set(ids)) {
      if (t < 0 || t >= s.length) continue;
      s[t] = s[t]! < 0 ? s[t]! * this.penalty : s[t]! / this.penalty;
    }
  }
}
