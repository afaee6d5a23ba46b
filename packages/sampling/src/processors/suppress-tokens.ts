/** HF SuppressTokensLogitsProcessor: these tokens are never generated. */
import { LogitsProcessor } from '../processor.js';
import { ids as idList, options } from '../check.js';

export class SuppressTokensLogitsProcessor extends LogitsProcessor {
  readonly suppressTokens: number[];
  constructor(o: { suppressTokens: number[] }) {
    super();
    const w = 'SuppressTokensLogitsProcessor';
    this.suppressTokens = idList(w, 'suppressTokens', options<typeof o>(w, o, ['suppressTokens']).suppressTokens);
  }

  processRow(_ids: Int32Array, s: Float32Array): void {
    for (const t of this.suppressTokens) if (t < s.length) s[t] = -Infinity;
  }
}
