/**
 * llama.cpp's DRY ("don't repeat yourself") sampler: when the text so far ends with a sequence that
 * occurred before, the token that followed it then is penalised by multiplier · base^(n − allowedLength),
 * n being the length of the repeated suffix (n ≥ allowedLength). Matches never cross a sequence
 * breaker (token ids here; generate maps breaker strings to their tokens).
 */
import { LogitsProcessor } from '../processor.js';
import { ids as idList, int, num, options } from '../check.js';

export class DRYLogitsProcessor extends LogitsProcessor {
  readonly multiplier: number;
  readonly base: number;
  readonly allowedLength: number;
  readonly sequenceBreakers: Set<number>;
  readonly lastN: number;
  constructor(o: { multiplier: number; base?: number; allowedLength?: number; sequenceBreakers?: number[]; lastN?: number }) {
    super();
    const w = 'DRYLogitsProcessor', opts = options<typeof o>(w, o, ['multiplier', 'base', 'allowedLength', 'sequenceBreakers', 'lastN']);
    this.multiplier = num(w, 'multiplier', opts.multiplier, 0, Infinity);
    this.base = num(w, 'base', opts.base ?? 1.75, 1, Infinity);
    this.allowedLength = int(w, 'allowedLength', opts.allowedLength ?? 2, 1);
    this.sequenceBreakers = new Set(opts.sequenceBreakers === undefined ? [] : idList(w, 'sequenceBreakers', opts.sequenceBreakers));
    this.lastN = opts.lastN === undefined ? Infinity : int(w, 'lastN', opts.lastN, 1);
  }

  processRow(all: Int32Array, s: Float32Array): void {
    if (this.multiplier === 0) return;
    const ids = all.subarray(Math.max(0, all.length - this.lastN));
    const T = ids.length;
    if (T <= this.allowedLength || this.sequenceBreakers.has(ids[T - 1]!)) return;
    const longest = new Map<number, number>(); // next token -> longest repeated suffix it follows
    for (let i = T - 2; i >= 0; i--) {
      // the suffix ending at T-1 against the one ending at i
      let n = 0;
      while (n <= i && ids[i - n] === ids[T - 1 - n] && !this.sequenceBreakers.has(ids[i - n]!)) n++;
      if (n === 0) continue;
      const next = ids[i + 1]!;
      if (this.sequenceBreakers.has(next)) continue;
      if (n > (longest.get(next) ?? 0)) longest.set(next, n);
    }
    // as llama.cpp, the exponent is clamped so that base^exponent stays a finite float
    const maxExp = this.base > 1.000001 ? Math.floor(88.7228391 / Math.log(this.base)) : Infinity;
    for (const [t, n] of longest) {
      if (n >= this.allowedLength && t < s.length) s[t]! -= this.multiplier * this.base ** Math.min(n - this.allowedLength, maxExp);
    }
  }
}
