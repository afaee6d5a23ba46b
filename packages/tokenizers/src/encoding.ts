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
