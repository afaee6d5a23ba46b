/** HF SequenceBiasLogitsProcessor: add a bias to a sequence's last token when the row ends with the rest of it. */
import { LogitsProcessor } from '../processor.js';
import { ids as idList, num, options } from '../check.js';
import { GenerationError } from '../errors.js';

export class SequenceBiasLogitsProcessor extends LogitsProcessor {
  readonly sequenceBias: [number[], number][];
  constructor(o: { sequenceBias: [number[], number][] }) {
    super();
    const w = 'SequenceBiasLogitsProcessor', opts = options<typeof o>(w, o, ['sequenceBias']);
    if (!Array.isArray(opts.sequenceBias)) throw new GenerationError(`${w}: sequenceBias must be a list of [tokenIds, bias] pairs`);
    this.sequenceBias = opts.sequenceBias.map((e, i) => {
      if (!Array.isArray(e) || e.length !== 2) throw new GenerationError(`${w}: sequenceBias[${i}] must be [tokenIds, bias]`);
      const seq = idList(w, `sequenceBias[${i}][0]`, e[0]);
      if (!seq.length) throw new GenerationError(`${w}: sequenceBias[${i}][0] is empty`);
      return [seq, num(w, `sequenceBias[${i}][1]`, e[1], -Infinity, Infinity)] as [number[], number];
    });
  }

  processRow(ids: Int32Array, s: Float32Array): void {
    for (const [seq, bias] of this.sequenceBias) {
      const pre = seq.length - 1, T = ids.length;
      if (pre > T) continue;
      let match = true;
      for (let k = 0; k < pre && match; k++) match = ids[T - pre + k] === seq[k];
      if (match && seq[pre]! < s.length) s[seq[pre]!]! += bias;
    }
  }
}
