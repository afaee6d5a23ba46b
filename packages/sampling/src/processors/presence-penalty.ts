/** OpenAI / llama.cpp presence penalty (HF has none): a token seen in the last `lastN` tokens (all by default) loses presencePenalty. */
import { LogitsProcessor } from '../processor.js';
import { int, num, options } from '../check.js';
import { tokenCounts } from '../scores.js';

export class PresencePenaltyLogitsProcessor extends LogitsProcessor {
  readonly presencePenalty: number;
  readonly lastN: number;
  constructor(o: { presencePenalty: number; lastN?: number }) {
    super();
    const w = 'PresencePenaltyLogitsProcessor', opts = options<typeof o>(w, o, ['presencePenalty', 'lastN']);
    this.presencePenalty = num(w, 'presencePenalty', opts.presencePenalty, -2, 2);
    this.lastN = opts.lastN === undefined ? Infinity : int(w, 'lastN', opts.lastN, 1);
  }

  processRow(ids: Int32Array, s: Float32Array): void {
    for (const t of tokenCounts(ids, this.lastN).keys()) if (t >= 0 && t < s.length) s[t]! -= this.presencePenalty;
  }
}
