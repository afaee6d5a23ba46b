/**
 * HF NoBadWordsLogitsProcessor: a one-token bad word is always banned; the last token of a longer
 * one is banned when the row ends with the rest of it. A bad word equal to [eosTokenId] is ignored.
 */
import { LogitsProcessor } from '../processor.js';
import { ids as idList, options } from '../check.js';
import { GenerationError } from '../errors.js';

export class NoBadWordsLogitsProcessor extends LogitsProcessor {
  readonly badWordsIds: number[][];
  constructor(o: { badWordsIds: number[][]; eosTokenId?: number | number[] }) {
    super();
    const w = 'NoBadWordsLogitsProcessor', opts = options<typeof o>(w, o, ['badWordsIds', 'eosTokenId']);
    if (!Array.isArray(opts.badWordsIds) || !opts.badWordsIds.length) throw new GenerationError(`${w}: badWordsIds must be a non-empty list of token-id lists`);
    const eos = opts.eosTokenId === undefined ? [] : idList(w, 'eosTokenId', opts.eosTokenId);
    this.badWordsIds = opts.badWordsIds.map((b, i) => {
      const l = idList(w, `badWordsIds[${i}]`, b);
      if (!l.length) throw new GenerationError(`${w}: badWordsIds[${i}] is empty`);
      return l;
    }).filter((l) => !(l.length === 1 && eos.includes(l[0]!)));
  }

  processRow(ids: Int32Array, s: Float32Array): void {
    for (const word of this.badWordsIds) {
      const pre = word.length - 1, T = ids.length;
      if (pre > T) continue;
      let match = true;
      for (let k = 0; k < pre && match; k++) match = ids[T - pre + k] === word[k];
      if (match && word[pre]! < s.length) s[word[pre]!] = -Infinity;
    }
  }
}
