/** OpenAI / llama.cpp frequency penalty (HF has none): a token seen c times in the last `lastN` tokens (all by default) loses c · frequencyPenalty. */
import { LogitsProcessor } from '../processor.js';
import { int, num, options } from '../check.js';
import { tokenCounts } from '../scores.js';

export class FrequencyPenaltyLogitsProcessor extends LogitsProcessor {
  readonly frequencyPenalty: number;
  readonly lastN: number;
  constructor(o: { frequencyPenalty: number; lastN?: number }) {
    super();
    const w = 'FrequencyPenaltyLogitsProcessor', opts = options<typeof o>(w, o, ['frequencyPenalty', 'lastN']);
    this.frequencyPenalty = num(w, 'frequencyPenalty', opts.frequencyPenalty, -2, 2);
    this.lastN = opts.lastN === undefined ? Infinity : int(w, 'lastN', opts.lastN, 1);
  }

  processRow(ids: Int32Array, s: Float32Array): void {
    for (const [t, c] of tokenCounts(ids, this.lastN)) if (t >= 0 && t < s.length) s[t]! -= c * this.frequencyPenalty;
  }
}
