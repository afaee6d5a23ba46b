/** HF NoRepeatNGramLogitsProcessor: ban every token that would repeat an n-gram already in the row. */
import { LogitsProcessor } from '../processor.js';
import { int, options } from '../check.js';

export class NoRepeatNGramLogitsProcessor extends LogitsProcessor {
  readonly ngramSize: number;
  constructor(o: { ngramSize: number }) {
    super();
    const w = 'NoRepeatNGramLogitsProcessor';
    this.ngramSize = int(w, 'ngramSize', options<typeof o>(w, o, ['ngramSize']).ngramSize, 1);
  }

  processRow(ids: Int32Array, s: Float32Array): void {
    const n = this.ngramSize, T = ids.length;
    if (T + 1 < n) return;
    const prefix = ids.subarray(T - n + 1);
    for (let i = 0; i + n <= T; i++) {
      let match = true;
      for (let k = 0; k < n - 1 && match; k++) match = ids[i + k] === prefix[k];
      if (match) {
        const t = ids[i + n - 1]!;
        if (t >= 0 && t < s.length) s[t] = -Infinity;
      }
    }
  }
}
