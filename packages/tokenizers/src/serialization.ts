// tokenizer.json writing (HF `tokenizers` format).
import type { AddedToken } from './added-tokens.js';
import type { Model } from './models/model.js';
import type { Normalizer } from './normalizers.js';
import type { PreTokenizer } from './pre-tokenizers.js';
import type { PostProcessor } from './post-processors.js';
import type { Decoder } from './decoders.js';
import type { TruncationOptions } from './truncation.js';
import type { PaddingOptions } from './padding.js';

export interface Serializable {
  model: Model; normalizer: Normalizer | null; preTokenizer: PreTokenizer | null; postProcessor: PostProcessor | null;
  decoder: Decoder | null; addedTokens: AddedToken[]; truncation: TruncationOptions | null; padding: PaddingOptions | null;
}

export function tokenizerToJSON(t: Serializable): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: t.truncation ? { direction: t.truncation.direction === 'left' ? 'Left' : 'Right', max_length: t.truncation.maxLength, strategy: { longest_first: 'LongestFirst', only_first: 'OnlyFirst', only_second: 'OnlySecond' }[t.truncation.strategy ?? 'longest_first'], stride: t.truncation.stride ?? 0 } : null,
    padding: t.padding ? {
      strategy: t.padding.length === undefined || t.padding.length === 'longest' ? 'BatchLongest' : { Fixed: t.padding.length },
      direction: t.padding.direction === 'left' ? 'Left' : 'Right', pad_to_multiple_of: t.padding.padToMultipleOf ?? null,
      pad_id: t.padding.padId ?? 0, pad_type_id: t.padding.padTypeId ?? 0, pad_token: t.padding.padToken ?? '[PAD]',
    } : null,
    added_tokens: t.addedTokens.map((a) => ({ id: a.id, content: a.content, single_word: !!a.singleWord, lstrip: !!a.lstrip, rstrip: !!a.rstrip, normalized: !!a.normalized, special: !!a.special })),
    normalizer: t.normalizer?.toJSON() ?? null,
    pre_tokenizer: t.preTokenizer?.toJSON() ?? null,
    post_processor: t.postProcessor?.toJSON() ?? null,
    decoder: t.decoder?.toJSON() ?? null,
    model: modelJSON(t.model, t.addedTokens),
  };
}

/**
 * The model's JSON. HF ignores the ids of added tokens missing from the model vocabulary and numbers
 * them from the vocabulary size on; where that would give other ids than ours (an id gap, as at
 * 100256 in cl100k), the added tokens go into the BPE vocabulary at their ids, which HF keeps.
 */
function modelJSON(model: Model, addedTokens: AddedToken[]): Record<string, unknown> {
  const j = model.toJSON();
  const vocab = j.vocab as Record<string, number> | undefined;
  if (j.type !== 'BPE' || !vocab || typeof vocab !== 'object' || Array.isArray(vocab)) return j;
  const inModel = (t: AddedToken) => Object.prototype.hasOwnProperty.call(vocab, t.content);
  const size = Object.keys(vocab).length;
  let max = -1, faithful = true;
  for (const t of addedTokens) { // HF AddedVocabulary id assignment
    let id: number;
    if (inModel(t)) id = vocab[t.content]!;
    else id = max < 0 ? size : max >= size || size === 0 ? max + 1 : size;
    if (id !== t.id) { faithful = false; break; }
    max = Math.max(max, id);
  }
  if (faithful) return j;
  const used = new Set(Object.values(vocab));
  const extra = addedTokens.filter((t) => !inModel(t) && !used.has(t.id));
  if (!extra.length) return j;
  const all = [...Object.entries(vocab), ...extra.map((t) => [t.content, t.id] as [string, number])].sort((a, b) => a[1] - b[1]);
  const out: Record<string, number> = {};
  for (const [t, id] of all) out[t] = id;
  return { ...j, vocab: out };
}
