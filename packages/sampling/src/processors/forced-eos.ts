/** HF ForcedEOSTokenLogitsProcessor: the token at maxLength − 1 is EOS. */
import { LogitsProcessor } from '../processor.js';
import { ids as idList, int, options } from '../check.js';
import { force } from '../scores.js';

export class ForcedEOSTokenLogitsProcessor extends LogitsProcessor {
  readonly maxLength: number;
  readonly eosTokenId: number[];
  constructor(o: { maxLength: number; eosTokenId: number | number[] }) {
    super();
    const w = 'ForcedEOSTokenLogitsProcessor', opts = options<typeof o>(w, o, ['maxLength', 'eosTokenId']);
    this.maxLength = int(w, 'maxLength', opts.maxLength, 1);
    this.eosTokenId = idList(w, 'eosTokenId', opts.eosTokenId);
  }

  processRow(ids: Int32Array, s: Float32Array): void {
    if (ids.length === this.maxLength - 1) force(s, this.eosTokenId);
  }
}
