/** One token of a word, as HF's `Model::tokenize` returns it. */
export interface Token {
  id: number;
  /** The token's string: its vocabulary entry, or the text it covers for an unknown Unigram / SentencePiece piece. */
  value: string;
  /** [start, end) in UTF-16 units of the word given to `tokenize`. */
  offsets: [number, number];
}

/** A tokenization model: turns one pre-tokenized word into tokens. */
export interface Model {
  readonly type: 'BPE' | 'WordPiece' | 'Unigram';
  /** The tokens of `word`: ids (in the model's vocabulary space), values and offsets into `word`. */
  tokenize(word: string): Token[];
  /** Append only the ids of `word` to `out` (the ids-only fast path; same ids as `tokenize`). */
  tokenizeIds(word: string, out: number[]): void;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  getVocabSize(): number;
  /** token -> id for every entry of the model's vocabulary. */
  getVocab(): Map<string, number>;
  /** The `model` section of a tokenizer.json. */
  toJSON(): Record<string, unknown>;
}

/** Small deterministic PRNG (mulberry32) for dropout and trainers. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Tokens of `s` from piece ids and their [start, end) spans; an unknown piece shows its text. */
export function spanTokens(s: string, r: { ids: ArrayLike<number>; starts: ArrayLike<number>; ends: ArrayLike<number> }, unkId: number | null, pieces: readonly string[]): Token[] {
  const out: Token[] = new Array(r.ids.length);
  for (let i = 0; i < r.ids.length; i++) {
    const id = r.ids[i]!, a = r.starts[i]!, b = r.ends[i]!;
    out[i] = { id, value: id === unkId ? s.slice(a, b) : pieces[id]!, offsets: [a, b] };
  }
  return out;
}
