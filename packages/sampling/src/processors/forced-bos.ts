/** HF ForcedBOSTokenLogitsProcessor: the first generated token (row length 1, encoder-decoder) is BOS. */
import { LogitsProcessor } from '../processor.js';
import { int, options } from '../check.js';
import { force } from '../scores.js';

export class ForcedBOSTokenLogitsProcessor extends LogitsProcessor {
  readonly bosTokenId: number;
  constructor(o: { bosTokenId: number }) {
    super();
    const w = 'ForcedBOSTokenLogitsProcessor';
    this.bosTokenId = int(w, 'bosTokenId', options<typeof o>(w, o, ['bosTokenId']).bosTokenId, 0);
  }

  processRow(ids: Int32Array, s: Float32Array): void {
    if (ids.length === 1) force(s, [this.bosTokenId]);
  }
}
