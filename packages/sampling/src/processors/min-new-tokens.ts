/** HF MinNewTokensLengthLogitsProcessor: EOS is banned until minNewTokens tokens follow the prompt. */
import { LogitsProcessor } from '../processor.js';
import { ids as idList, int, options } from '../check.js';

export class MinNewTokensLengthLogitsProcessor extends LogitsProcessor {
  readonly promptLengthToSkip: number;
  readonly minNewTokens: number;
  readonly eosTokenId: number[];
  constructor(o: { promptLengthToSkip: number; minNewTokens: number; eosTokenId: number | number[] }) {
    super();
    const w = 'MinNewTokensLengthLogitsProcessor', opts = options<typeof o>(w, o, ['promptLengthToSkip', 'minNewTokens', 'eosTokenId']);
    this.promptLengthToSkip = int(w, 'promptLengthToSkip', opts.promptLengthToSkip, 0);
    this.minNewTokens = int(w, 'minNewTokens', opts.minNewTokens, 0);
    this.eosTokenId = idList(w, 'eosTokenId', opts.eosTokenId);
  }

  processRow(ids: Int32Array, s: Float32Array): void {
    if (ids.length - this.promptLengthToSkip < this.minNewTokens) for (const e of this.eosTokenId) if (e < s.length) s[e] = -Infinity;
  }
}
