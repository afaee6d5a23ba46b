/**
 * The causal-LM objective in Hugging Face's convention: documents are tokenized, joined with the
 * EOS id between them and cut into blocks of `blockSize` (run_clm.py's `group_texts`); a batch
 * pads to its longest example, and `labels` is a copy of `inputIds` with -100 on padding
 * (`DataCollatorForLanguageModeling(mlm=False)`). The model shifts labels itself, so the loss is
 * `model.forward({ inputIds, attentionMask, labels }).loss`.
 */
import { tensor, type Tensor } from '@tessera/core';
import { ObjectiveError } from './errors.js';
import { SeededRandom } from './random.js';

/** Label value ignored by the loss (PyTorch's CrossEntropyLoss ignore_index). */
export const IGNORE_INDEX = -100;

/** One batch as row-major [batchSize, seqLength] int32 arrays. */
export interface LMBatch {
  inputIds: Int32Array;
  attentionMask: Int32Array;
  labels: Int32Array;
  batchSize: number;
  seqLength: number;
}

export interface GroupTextsOptions {
  blockSize: number;
  eosTokenId: number;
  /** Drop a last block shorter than blockSize (HF's group_texts does; default false: keep it). */
  dropLast?: boolean;
}

function positiveInt(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new ObjectiveError(`${where}: ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

function tokenId(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new ObjectiveError(`${where}: ${name} must be a token id (integer ≥ 0), got ${String(v)}`);
  return v;
}

function checkDoc(where: string, docs: unknown, i: number): ArrayLike<number> {
  const d = (docs as unknown[])[i];
  if (!d || typeof d !== 'object' || typeof (d as ArrayLike<number>).length !== 'number') {
    throw new ObjectiveError(`${where}: document ${i} must be an array of token ids, got ${d === null ? 'null' : typeof d}`);
  }
  const a = d as ArrayLike<number>;
  for (let j = 0; j < a.length; j++) {
    const v = a[j];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ObjectiveError(`${where}: document ${i} has ${String(v)} at position ${j}, not a token id`);
  }
  return a;
}

/** Join documents with `eosTokenId` between them and cut the stream into blocks. */
export function groupTexts(docs: readonly ArrayLike<number>[], opts: GroupTextsOptions): Int32Array[] {
  const where = 'groupTexts';
  if (!Array.isArray(docs)) throw new ObjectiveError(`${where}: docs must be an array of token-id arrays`);
  const blockSize = positiveInt(where, 'blockSize', opts?.blockSize);
  const eos = tokenId(where, 'eosTokenId', opts?.eosTokenId);
  let total = 0;
  docs.forEach((_, i) => { total += checkDoc(where, docs, i).length + (i > 0 ? 1 : 0); });
  const stream = new Int32Array(total);
  let k = 0;
  docs.forEach((d, i) => {
    if (i > 0) stream[k++] = eos;
    for (let j = 0; j < d.length; j++) stream[k++] = d[j]!;
  });
  const blocks: Int32Array[] = [];
  for (let s = 0; s < total; s += blockSize) {
    const b = stream.subarray(s, Math.min(s + blockSize, total));
    if (b.length < blockSize && opts.dropLast) break;
    blocks.push(b.slice());
  }
  return blocks;
}

export interface CausalLMCollatorOptions {
  /** Id written into padded positions of inputIds (their labels are -100 and mask 0). */
  padTokenId: number;
  /** Pad each batch to a multiple of this length (HF pad_to_multiple_of). */
  padToMultipleOf?: number;
}

/** HF `DataCollatorForLanguageModeling(mlm=False)`: pad to the longest, labels = inputs, -100 on padding. */
export class DataCollatorForCausalLM {
  readonly padTokenId: number;
  readonly padToMultipleOf: number;

  constructor(opts: CausalLMCollatorOptions) {
    const where = 'DataCollatorForCausalLM';
    if (!opts || typeof opts !== 'object') throw new ObjectiveError(`${where}: takes { padTokenId, padToMultipleOf? }`);
    for (const k of Object.keys(opts)) if (k !== 'padTokenId' && k !== 'padToMultipleOf') throw new ObjectiveError(`${where}: unknown option '${k}' (known: padTokenId, padToMultipleOf)`);
    this.padTokenId = tokenId(where, 'padTokenId', opts.padTokenId);
    this.padToMultipleOf = opts.padToMultipleOf === undefined ? 1 : positiveInt(where, 'padToMultipleOf', opts.padToMultipleOf);
  }

  /** Collate examples (token-id arrays, e.g. blocks from groupTexts) into one padded batch. */
  collate(examples: readonly ArrayLike<number>[]): LMBatch {
    const where = 'DataCollatorForCausalLM.collate';
    if (!Array.isArray(examples) || examples.length === 0) throw new ObjectiveError(`${where}: examples must be a non-empty array of token-id arrays`);
    let longest = 0;
    examples.forEach((_, i) => { longest = Math.max(longest, checkDoc(where, examples, i).length); });
    if (longest === 0) throw new ObjectiveError(`${where}: every example is empty`);
    const m = this.padToMultipleOf;
    const T = Math.ceil(longest / m) * m;
    const B = examples.length;
    const inputIds = new Int32Array(B * T).fill(this.padTokenId);
    const labels = new Int32Array(B * T).fill(IGNORE_INDEX);
    const attentionMask = new Int32Array(B * T);
    examples.forEach((ex, b) => {
      for (let t = 0; t < ex.length; t++) {
        inputIds[b * T + t] = ex[t]!;
        labels[b * T + t] = ex[t]!;
        attentionMask[b * T + t] = 1;
      }
    });
    return { inputIds, attentionMask, labels, batchSize: B, seqLength: T };
  }
}

export interface ClmBatchesOptions extends GroupTextsOptions, CausalLMCollatorOptions {
  batchSize: number;
  /** Seed of the block order (each epoch reshuffles from it). */
  seed: number;
  /** Shuffle the blocks (default true). */
  shuffle?: boolean;
}

/**
 * Every block of the corpus once per epoch, in a seeded order, collated into batches: the same
 * seed gives the same batches, epoch after epoch.
 */
export function* clmBatches(docs: readonly ArrayLike<number>[], opts: ClmBatchesOptions, epochs = 1): Generator<LMBatch> {
  const blocks = groupTexts(docs, opts);
  const collator = new DataCollatorForCausalLM({ padTokenId: opts.padTokenId, ...(opts.padToMultipleOf ? { padToMultipleOf: opts.padToMultipleOf } : {}) });
  const batchSize = positiveInt('clmBatches', 'batchSize', opts.batchSize);
  const rng = new SeededRandom(opts.seed);
  for (let e = 0; e < epochs; e++) {
    const order = opts.shuffle === false ? blocks.map((_, i) => i) : rng.permutation(blocks.length);
    for (let s = 0; s < order.length; s += batchSize) {
      yield collator.collate(order.slice(s, s + batchSize).map((i) => blocks[i]!));
    }
  }
}

/** The batch as int32 tensors [batchSize, seqLength] (on `backend`, default the current one). */
export function batchTensors(batch: LMBatch, backend?: string): { inputIds: Tensor; attentionMask: Tensor; labels: Tensor } {
  const shape = [batch.batchSize, batch.seqLength];
  const t = (a: Int32Array) => tensor(a, { shape, dtype: 'int32', ...(backend ? { backend } : {}) });
  return { inputIds: t(batch.inputIds), attentionMask: t(batch.attentionMask), labels: t(batch.labels) };
}
