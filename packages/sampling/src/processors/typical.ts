/**
 * HF TypicalLogitsWarper (locally typical sampling): keep the tokens whose surprise is closest to
 * the distribution's entropy until their mass reaches `mass`.
 */
import { LogitsProcessor } from '../processor.js';
import { int, num, options } from '../check.js';
import { argsortAsc, logSoftmax } from '../scores.js';

export class TypicalLogitsWarper extends LogitsProcessor {
  readonly mass: number;
  readonly minTokensToKeep: number;
  constructor(o: { mass?: number; minTokensToKeep?: number } = {}) {
    super();
    const w = 'TypicalLogitsWarper', opts = options<typeof o>(w, o, ['mass', 'minTokensToKeep']);
    this.mass = num(w, 'mass', opts.mass ?? 0.9, 0, 1, { loOpen: true, hiOpen: true });
    this.minTokensToKeep = int(w, 'minTokensToKeep', opts.minTokensToKeep ?? 1, 1);
  }

  processRow(_ids: Int32Array, s: Float32Array): void {
    const lp = logSoftmax(s);
    let ent = 0;
    for (const l of lp) if (l > -Infinity) ent -= l * Math.exp(l);
    const shifted = lp.map((l) => Math.abs(-l - ent));
    const order = argsortAsc(shifted);
    let cum = 0, last = 0;
    for (const i of order) {
      cum += Math.exp(lp[i]!);
      if (cum < this.mass) last++;
      else break;
    }
    last = Math.min(last, s.length - 1);
    const cut = shifted[order[last]!]!;
    order.forEach((i, r) => { if (r >= this.minTokensToKeep && shifted[i]! > cut) s[i] = -Infinity; });
  }
}
