// BPE and WordPiece trainers (WordPiece is trained as BPE with a "##" continuing-subword prefix
// and keeps only the vocabulary, as HF's WordPieceTrainer does).
import { fail } from '../errors.js';
import { BPE } from '../models/bpe.js';
import { WordPiece } from '../models/wordpiece.js';
import { BertNormalizer } from '../normalizers.js';
import { BertPreTokenizer, ByteLevel, Whitespace } from '../pre-tokenizers.js';
import { BertProcessing, ByteLevelProcessing } from '../post-processors.js';
import { ByteLevelDecoder, WordPieceDecoder } from '../decoders.js';
import { BYTE_TO_CHAR } from '../unicode.js';
import { Tokenizer } from '../tokenizer.js';
import { checkVocabSize, countWords, readLines, Reporter, uniqueStrings, type Corpus, type TrainerOptions } from './common.js';
import { trainBpeCore, type BpeCoreResult } from './bpe-core.js';

export interface BpeTrainerOptions extends TrainerOptions {
  /** Merges stop when the best pair occurs fewer times than this (default 0: any pair). */
  minFrequency?: number;
  /** Characters always in the alphabet (byte-level: the 256 byte characters by default). */
  initialAlphabet?: string[];
  /** Keep at most this many characters in the alphabet (the most frequent). */
  limitAlphabet?: number | null;
  continuingSubwordPrefix?: string | null;
  endOfWordSuffix?: string | null;
  /** Never form tokens longer than this many characters. */
  maxTokenLength?: number | null;
  /** Byte-level BPE (GPT-2 style, the default) or character BPE. */
  byteLevel?: boolean;
  /** Byte-level: prepend a space to the first word (default false). */
  addPrefixSpace?: boolean;
  /** Character BPE: token for characters outside the alphabet (added as a special token). */
  unkToken?: string | null;
}

function optInt(v: unknown, name: string, min: number): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail('INVALID_ARGUMENT', `${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

function chars(list: unknown, name: string): string[] {
  const s = uniqueStrings(list, name);
  const out: string[] = [];
  // HF keeps the first character of each entry
  for (const x of s) { const c = Array.from(x)[0]; if (c !== undefined) out.push(c); }
  return [...new Set(out)];
}

/** Byte-level BPE trainer (HF BpeTrainer semantics). `train(corpus)` returns a Tokenizer. */
export class BpeTrainer {
  /** The merge counts of the last training (non-increasing). */
  lastMergeCounts: number[] = [];
  constructor(readonly options: BpeTrainerOptions = {}) {}

  train(corpus: Corpus): Tokenizer {
    const o = this.options;
    const byteLevel = o.byteLevel ?? true;
    const vocabSize = checkVocabSize(o.vocabSize, 30000);
    const special = uniqueStrings(o.specialTokens, 'specialTokens');
    const unk = byteLevel ? null : o.unkToken ?? null;
    if (unk !== null && !special.includes(unk)) special.push(unk);
    const pre = o.preTokenizer !== undefined ? o.preTokenizer : byteLevel ? new ByteLevel(o.addPrefixSpace ?? false, true, true) : new Whitespace();
    const normalizer = o.normalizer ?? null;
    const rep = new Reporter(o);
    const words = countWords(corpus, normalizer, pre, rep);
    const r = trainBpeCore(words, {
      vocabSize, minFrequency: optInt(o.minFrequency, 'minFrequency', 0) ?? 0, specialTokens: special,
      initialAlphabet: o.initialAlphabet !== undefined ? chars(o.initialAlphabet, 'initialAlphabet') : byteLevel ? [...BYTE_TO_CHAR] : [],
      limitAlphabet: optInt(o.limitAlphabet, 'limitAlphabet', 0), continuingSubwordPrefix: o.continuingSubwordPrefix || null,
      endOfWordSuffix: o.endOfWordSuffix || null, maxTokenLength: optInt(o.maxTokenLength, 'maxTokenLength', 1),
    }, rep);
    this.lastMergeCounts = r.mergeCounts;
    const model = new BPE({
      vocab: r.vocab, merges: r.merges, unkToken: unk, continuingSubwordPrefix: o.continuingSubwordPrefix || null,
      endOfWordSuffix: o.endOfWordSuffix || null,
    });
    return new Tokenizer({
      model, normalizer, preTokenizer: pre,
      postProcessor: byteLevel ? new ByteLevelProcessing(true, false, true) : null,
      decoder: byteLevel ? new ByteLevelDecoder() : null,
      addedTokens: specialAdded(special, r),
    });
  }

  trainFromFiles(paths: string[]): Tokenizer { return this.train(readLines(paths)); }
}

function specialAdded(special: string[], r: BpeCoreResult) {
  return special.map((t) => ({ id: r.vocab.get(t)!, content: t, special: true, normalized: false }));
}

export interface WordPieceTrainerOptions extends Omit<BpeTrainerOptions, 'byteLevel' | 'addPrefixSpace' | 'endOfWordSuffix'> {
  /** Default "[UNK]" (added to the special tokens when missing). */
  unkToken?: string;
  /** Lowercase in the default BertNormalizer (default true). */
  lowercase?: boolean;
  maxInputCharsPerWord?: number;
}

/** WordPiece trainer (BERT style). Defaults: special tokens [PAD] [UNK] [CLS] [SEP] [MASK], limitAlphabet 1000. */
export class WordPieceTrainer {
  constructor(readonly options: WordPieceTrainerOptions = {}) {}

  train(corpus: Corpus): Tokenizer {
    const o = this.options;
    const vocabSize = checkVocabSize(o.vocabSize, 30000);
    const special = o.specialTokens !== undefined ? uniqueStrings(o.specialTokens, 'specialTokens') : ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
    const unk = o.unkToken ?? '[UNK]';
    if (!special.includes(unk)) special.push(unk);
    const prefix = o.continuingSubwordPrefix ?? '##';
    const normalizer = o.normalizer !== undefined ? o.normalizer : new BertNormalizer(true, true, null, o.lowercase ?? true);
    const pre = o.preTokenizer !== undefined ? o.preTokenizer : new BertPreTokenizer();
    const rep = new Reporter(o);
    const words = countWords(corpus, normalizer, pre, rep);
    const r = trainBpeCore(words, {
      vocabSize, minFrequency: optInt(o.minFrequency, 'minFrequency', 0) ?? 0, specialTokens: special,
      initialAlphabet: chars(o.initialAlphabet ?? [], 'initialAlphabet'),
      limitAlphabet: o.limitAlphabet === undefined ? 1000 : optInt(o.limitAlphabet, 'limitAlphabet', 0),
      continuingSubwordPrefix: prefix, endOfWordSuffix: null, maxTokenLength: optInt(o.maxTokenLength, 'maxTokenLength', 1),
    }, rep);
    const model = new WordPiece({ vocab: r.vocab, unkToken: unk, continuingSubwordPrefix: prefix, maxInputCharsPerWord: o.maxInputCharsPerWord ?? 100 });
    const cls = r.vocab.get('[CLS]'), sep = r.vocab.get('[SEP]');
    return new Tokenizer({
      model, normalizer, preTokenizer: pre,
      postProcessor: cls !== undefined && sep !== undefined ? new BertProcessing(['[SEP]', sep], ['[CLS]', cls]) : null,
      decoder: new WordPieceDecoder(prefix, true),
      addedTokens: specialAdded(special, r),
    });
  }

  trainFromFiles(paths: string[]): Tokenizer { return this.train(readLines(paths)); }
}
