import type { RawEncoding } from './post-processors.js';
/** The result of encoding one sequence (or a pair). */
export interface Encoding {
  ids: number[];
  tokens: string[];
  /** [start, end) in UTF-16 code units of the input (of the second text for its tokens); [0, 0] for added specials. */
  offsets: Array<[number, number]>;
  attentionMask: number[];
  typeIds: number[];
  specialTokensMask: number[];
  /** What truncation removed, as encodings of at most the kept length (HF `overflowing`); each repeats `stride` tokens of the one before. */
  overflowing: Encoding[];
}

/** The public Encoding of a post-processed RawEncoding (overflowing parts too). */
export function toEncoding(r: RawEncoding): Encoding {
  return {
    ids: r.ids, tokens: r.tokens, offsets: r.offsets ?? [], typeIds: r.typeIds, specialTokensMask: r.special,
    attentionMask: new Array(r.ids.length).fill(1), overflowing: (r.overflowing ?? []).map(toEncoding),
  };
}
