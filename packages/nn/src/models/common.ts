/** Inputs and outputs shared by the decoder families, and their checks. */
import { isTensor, SyncReadError, type Tensor } from '@tessera/core';
import type { KVCache } from '../cache.js';
import { NnError } from '../errors.js';

export interface DecoderInputs {
  /** int32 [batch, seq] */
  inputIds: Tensor;
  /** 1 = token, 0 = padding; [batch, seq] — with a cache, [batch, cached + seq]. */
  attentionMask?: Tensor;
  /** int32 [batch, seq]; default cumsum(mask) - 1 (pads 1), or past .. past + seq - 1. */
  positionIds?: Tensor;
  cache?: KVCache;
  /** int32 [batch, seq]: next-token targets (shifted inside, -100 ignored) as HF. */
  labels?: Tensor;
}

export interface CausalLMOutput { logits: Tensor; lastHiddenState: Tensor; loss?: Tensor }

const KEYS = new Set(['inputIds', 'attentionMask', 'positionIds', 'cache', 'labels']);

function intTensor(where: string, name: string, t: unknown, shape?: readonly number[]): asserts t is Tensor {
  if (!isTensor(t)) throw new NnError(`${where}: ${name} must be an int32 Tensor [batch, seq], got ${t === null ? 'null' : typeof t}`, 'ERR_ARGUMENT');
  if (t.dtype !== 'int32' && t.dtype !== 'int8' && t.dtype !== 'uint8' && t.dtype !== 'bool') {
    throw new NnError(`${where}: ${name} must hold integers (int32), got ${t.dtype}`, 'ERR_DTYPE');
  }
  if (t.ndim !== 2) throw new NnError(`${where}: ${name} must be [batch, seq], got shape [${t.shape.join(', ')}]`, 'ERR_SHAPE');
  if (shape && t.shape.join() !== shape.join()) {
    throw new NnError(`${where}: ${name} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`, 'ERR_SHAPE');
  }
}

/** The values of `t`, or null on a backend that reads only asynchronously (WebGPU: not checked there). */
function valuesOf(t: Tensor): ArrayLike<number> | null {
  try {
    return t.numbersSync();
  } catch (e) {
    if (e instanceof SyncReadError) return null;
    throw e;
  }
}

const at = (t: Tensor, i: number) => `[${t.shape.map((_, d) => Math.floor(i / t.shape.slice(d + 1).reduce((a, b) => a * b, 1)) % t.shape[d]!).join(', ')}]`;

/** Token ids in [0, vocabSize): an id outside is an error naming the input and the config field. */
export function checkTokenIds(where: string, name: string, ids: Tensor, vocabSize: number, field = 'vocab_size'): void {
  const v = valuesOf(ids);
  if (!v) return;
  for (let i = 0; i < v.length; i++) {
    if (v[i]! < 0 || v[i]! >= vocabSize) {
      throw new NnError(`${where}: ${name} holds ${v[i]} at ${at(ids, i)}, outside the vocabulary (${field} ${vocabSize}): ids must be in [0, ${vocabSize - 1}]`, 'ERR_INDEX');
    }
  }
}

/** An attention mask of 1 (attend) and 0 (padding) only, as HF's. */
export function checkBinaryMask(where: string, name: string, mask: Tensor): void {
  const v = valuesOf(mask);
  if (!v) return;
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== 0 && v[i] !== 1) {
      throw new NnError(`${where}: ${name} holds ${v[i]} at ${at(mask, i)}; it must hold only 1 (attend) and 0 (padding)`, 'ERR_ARGUMENT');
    }
  }
}

export interface InputLimits { vocabSize: number; maxPositions?: number }

/** Validate decoder inputs (shapes, dtypes, unknown keys, ids in the vocabulary, a 0/1 mask, positions in range). */
export function checkInputs(where: string, inputs: DecoderInputs, limits: InputLimits): DecoderInputs {
  const maxPositions = limits.maxPositions;
  if (!inputs || typeof inputs !== 'object' || isTensor(inputs)) {
    throw new NnError(`${where}: takes an object { inputIds, attentionMask?, positionIds?, cache?, labels? }`, 'ERR_ARGUMENT');
  }
  for (const k of Object.keys(inputs)) {
    if (!KEYS.has(k)) throw new NnError(`${where}: unknown input '${k}' (known: ${[...KEYS].join(', ')})`, 'ERR_ARGUMENT');
  }
  intTensor(where, 'inputIds', inputs.inputIds);
  const [B, T] = inputs.inputIds.shape as [number, number];
  if (T === 0) throw new NnError(`${where}: inputIds has no positions`, 'ERR_SHAPE');
  const past = inputs.cache?.length ?? 0;
  if (inputs.attentionMask !== undefined) intTensor(where, 'attentionMask', inputs.attentionMask, [B, past + T]);
  if (inputs.positionIds !== undefined) intTensor(where, 'positionIds', inputs.positionIds, [B, T]);
  if (inputs.labels !== undefined) intTensor(where, 'labels', inputs.labels, [B, T]);
  if (maxPositions !== undefined && past + T > maxPositions) {
    throw new NnError(`${where}: ${past + T} positions exceed the model's ${maxPositions}`, 'ERR_ARGUMENT');
  }
  checkTokenIds(where, 'inputIds', inputs.inputIds, limits.vocabSize);
  if (inputs.attentionMask !== undefined) checkBinaryMask(where, 'attentionMask', inputs.attentionMask);
  return inputs;
}

export { shiftedLoss } from './losses.js';
