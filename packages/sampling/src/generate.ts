/**
 * generate / stream for the decoder-only families of @tessera/nn (GPT-2, LLaMA): prompts are
 * left-padded into one batch, the prompt runs once into a preallocated KV cache (or, with useCache
 * false, the whole sequence is recomputed each step), and each step reads back the last position's
 * logits, runs the processors on the host and samples. Stops on maxNewTokens, an EOS id, a stop
 * string, or an AbortSignal. Returns HF's `sequences`: each row the (left-padded) prompt followed by
 * its new tokens, finished rows padded with padTokenId.
 */
import { isTensor, tensor, type Tensor } from '@tessera/core';
import type { Tokenizer } from '@tessera/tokenizers';
import { GenerationConfig, type GenerationConfigFields } from './config.js';
import { GenerationError } from './errors.js';
import { buildPipeline, eosList } from './pipeline.js';
import { beamSearch } from './beam.js';
import { checkModel, lastLogits, modelIO, type GenerativeModel } from './model-io.js';

export type { GenerativeModel } from './model-io.js';

export type GenerateInputs = string | string[] | number[] | number[][] | Tensor | { inputIds: Tensor | number[][]; attentionMask?: Tensor | number[][] };

export interface GenerateOptions {
  /** Needed for text prompts, stop strings, DRY's sequence breakers and text output. */
  tokenizer?: Tokenizer;
  signal?: AbortSignal;
}

export interface GenerateOutput {
  /**
   * int32 [batch · numReturnSequences, promptLength + steps]: left-padded prompts, then the new tokens
   * (padTokenId after a row ends); a prompt's returned sequences are adjacent rows.
   */
  sequences: Tensor;
  /** Beam search: each returned sequence's score (sum of log-probabilities / newTokens^lengthPenalty). */
  sequencesScores?: number[];
  /** The new tokens of each row (without padding). */
  newTokens: number[][];
  /** The new tokens decoded, when a tokenizer was given. */
  texts?: string[];
}

export interface StreamEvent { row: number; tokenId: number; text: string; step: number }

function asRows(inputs: GenerateInputs, tokenizer?: Tokenizer): number[][] {
  const where = 'generate';
  const needTok = () => {
    if (!tokenizer) throw new GenerationError(`${where}: a text prompt needs { tokenizer } in the options`, 'ERR_ARGUMENT');
    return tokenizer;
  };
  if (typeof inputs === 'string') return [needTok().encodeIds(inputs)];
  if (Array.isArray(inputs) && inputs.every((x) => typeof x === 'string')) return (inputs as string[]).map((t) => needTok().encodeIds(t));
  if (Array.isArray(inputs) && inputs.every((x) => typeof x === 'number')) return [inputs as number[]];
  const fromTensor = (t: Tensor): number[][] => {
    if (t.ndim !== 2) throw new GenerationError(`${where}: inputIds must be [batch, seq], got [${t.shape.join(', ')}]`, 'ERR_ARGUMENT');
    const [B, T] = t.shape as [number, number];
    const a = Array.from(t.to('int32').dataSync() as Int32Array);
    return Array.from({ length: B }, (_, b) => a.slice(b * T, (b + 1) * T));
  };
  let rows: number[][];
  let mask: number[][] | null = null;
  if (isTensor(inputs)) rows = fromTensor(inputs);
  else if (Array.isArray(inputs)) rows = inputs as number[][];
  else if (inputs && typeof inputs === 'object' && 'inputIds' in inputs) {
    rows = isTensor(inputs.inputIds) ? fromTensor(inputs.inputIds) : inputs.inputIds;
    if (inputs.attentionMask !== undefined) mask = isTensor(inputs.attentionMask) ? fromTensor(inputs.attentionMask) : inputs.attentionMask;
  } else throw new GenerationError(`${where}: inputs must be text, token ids, an int32 Tensor or { inputIds, attentionMask? }`, 'ERR_ARGUMENT');
  if (!Array.isArray(rows) || !rows.length) throw new GenerationError(`${where}: no prompt given`, 'ERR_ARGUMENT');
  return rows.map((r, b) => {
    if (!Array.isArray(r) || !r.every((x) => Number.isInteger(x) && x >= 0)) throw new GenerationError(`${where}: prompt ${b} must be a list of token ids`, 'ERR_ARGUMENT');
    const kept = mask ? r.filter((_, i) => mask![b]![i] !== 0) : r; // a mask's zeros are padding
    if (!kept.length) throw new GenerationError(`${where}: prompt ${b} is empty`, 'ERR_ARGUMENT');
    return kept;
  });
}

function hasStop(text: string, stops: readonly string[]): boolean {
  return stops.some((s) => text.includes(s));
}

/**
 * The decoding loop: yields each step's tokens (one per row, −1 for rows already finished), and
 * returns the padded sequences.
 */
async function* decode(model: GenerativeModel, prompts: number[][], c: GenerationConfig, opts: GenerateOptions): AsyncGenerator<number[], { sequences: number[][] }> {
  if (c.stopStrings && !opts.tokenizer) throw new GenerationError('generate: stopStrings need { tokenizer } in the options', 'ERR_ARGUMENT');
  const eos = new Set(eosList(c));
  const pad = c.padTokenId ?? (eos.size ? [...eos][0]! : 0);
  const B = prompts.length;
  const io = modelIO(model, prompts, pad);
  const { rows, padded, mask } = io;
  const start = rows.map((r) => r.length);
  const { processors, sampler } = buildPipeline(c, start, opts.tokenizer);
  const done = new Array<boolean>(B).fill(false);
  const cache = c.useCache && c.maxNewTokens > 0 ? model.newCache({ batchSize: B, maxLength: padded[0]!.length + c.maxNewTokens }) : null;
  let next: number[][] = padded;
  try {
    for (let step = 0; step < c.maxNewTokens && !done.every(Boolean); step++) {
      if (opts.signal?.aborted) break;
      const input = cache ? next : padded;
      const s = await lastLogits(io.forward(input, mask, cache), B);
      const V = s.length / B;
      const chosen: number[] = [];
      for (let b = 0; b < B; b++) {
        if (done[b]) { chosen.push(-1); continue; }
        const row = s.subarray(b * V, (b + 1) * V);
        processors.processRow(Int32Array.from(rows[b]!), row, b);
        const id = sampler.sample(row, b);
        chosen.push(id);
        rows[b]!.push(id);
        if (eos.has(id)) done[b] = true;
        else if (c.stopStrings && hasStop(opts.tokenizer!.decode(rows[b]!.slice(start[b])), c.stopStrings)) done[b] = true;
      }
      for (let b = 0; b < B; b++) {
        padded[b]!.push(chosen[b]! < 0 ? pad : chosen[b]!);
        mask[b]!.push(1);
      }
      next = chosen.map((t) => [t < 0 ? pad : t]);
      yield chosen;
    }
  } finally {
    cache?.dispose();
    io.dispose();
  }
  return { sequences: padded };
}

function configOf(config: GenerationConfig | Partial<GenerationConfigFields> | undefined): GenerationConfig {
  return config instanceof GenerationConfig ? config : new GenerationConfig(config ?? {});
}

/** Generate new tokens for one prompt or a batch (HF's generate). */
export async function generate(model: GenerativeModel, inputs: GenerateInputs, config?: GenerationConfig | Partial<GenerationConfigFields>, opts: GenerateOptions = {}): Promise<GenerateOutput> {
  const c = configOf(config);
  checkModel(model);
  const prompts = asRows(inputs, opts.tokenizer);
  const texts = (rows: number[][]) => (opts.tokenizer ? { texts: rows.map((t) => opts.tokenizer!.decode(t, { skipSpecialTokens: true })) } : {});
  if (c.numBeams > 1) {
    const r = await beamSearch(model, prompts, c, opts);
    return { sequences: tensor(r.rows, { dtype: 'int32' }), sequencesScores: r.scores, newTokens: r.newTokens, ...texts(r.newTokens) };
  }
  // sampled answers per prompt: the prompt repeated, each copy sampling on (one generator, as HF)
  const rowsIn = c.numReturnSequences > 1 ? prompts.flatMap((p) => Array.from({ length: c.numReturnSequences }, () => p)) : prompts;
  const loop = decode(model, rowsIn, c, opts);
  const newTokens: number[][] = rowsIn.map(() => []);
  let r = await loop.next();
  while (!r.done) {
    r.value.forEach((t, b) => { if (t >= 0) newTokens[b]!.push(t); });
    r = await loop.next();
  }
  return { sequences: tensor(r.value.sequences, { dtype: 'int32' }), newTokens, ...texts(newTokens) };
}

/**
 * Stream new tokens as they are chosen: `{ row, tokenId, text, step }`, where `text` is the row's
 * new text (never a split UTF-8 character; empty until a character completes or without a tokenizer).
 */
export async function* stream(model: GenerativeModel, inputs: GenerateInputs, config?: GenerationConfig | Partial<GenerationConfigFields>, opts: GenerateOptions = {}): AsyncGenerator<StreamEvent> {
  const c = configOf(config);
  checkModel(model);
  if (c.numBeams > 1 || c.numReturnSequences > 1) throw new GenerationError('stream: one sequence a prompt only (numBeams 1, numReturnSequences 1); use generate for beam search', 'ERR_UNSUPPORTED');
  const prompts = asRows(inputs, opts.tokenizer);
  const decoders = prompts.map(() => opts.tokenizer?.decodeStream({ skipSpecialTokens: true }));
  let step = 0;
  for await (const chosen of decode(model, prompts, c, opts)) {
    for (let b = 0; b < chosen.length; b++) {
      const id = chosen[b]!;
      if (id < 0) continue;
      yield { row: b, tokenId: id, text: decoders[b]?.step(id) ?? '', step };
    }
    step++;
  }
}
