/**
 * The logits-processor contract, as HF's `LogitsProcessor`: `process(inputIds int32 [B, T], scores
 * float32 [B, V]) -> Tensor`. Every processor here works on one row at a time on the host
 * (`processRow`), which `generate` calls on the last position's logits; `process` is the tensor form
 * for code that composes processors itself (it reads the scores synchronously: cpu, wasm, cuda).
 */
import { tensor, isTensor, type Tensor } from '@tessera/core';
import { GenerationError } from './errors.js';

export abstract class LogitsProcessor {
  /** Filter or reshape one row of scores in place; `ids` is that row's tokens so far. */
  abstract processRow(ids: Int32Array, scores: Float32Array, row: number): void;

  process(inputIds: Tensor, scores: Tensor): Tensor {
    const name = this.constructor.name;
    if (!isTensor(inputIds) || inputIds.ndim !== 2) throw new GenerationError(`${name}.process: inputIds must be an int32 Tensor [batch, seq]`, 'ERR_ARGUMENT');
    if (!isTensor(scores) || scores.ndim !== 2 || scores.shape[0] !== inputIds.shape[0]) {
      throw new GenerationError(`${name}.process: scores must be a float Tensor [batch, vocab] with inputIds' batch`, 'ERR_ARGUMENT');
    }
    const [B, T] = inputIds.shape as [number, number];
    const V = scores.shape[1]!;
    const ids = Int32Array.from(inputIds.to('int32').dataSync() as Int32Array);
    const s = Float32Array.from(scores.to('float32').dataSync() as Float32Array);
    for (let b = 0; b < B; b++) this.processRow(ids.subarray(b * T, (b + 1) * T), s.subarray(b * V, (b + 1) * V), b);
    return tensor(s, { shape: [B, V], backend: scores.backend });
  }
}

/** Processors applied in order (HF's LogitsProcessorList). */
export class LogitsProcessorList extends LogitsProcessor {
  constructor(readonly processors: LogitsProcessor[] = []) {
    super();
  }

  processRow(ids: Int32Array, scores: Float32Array, row: number): void {
    for (const p of this.processors) p.processRow(ids, scores, row);
  }
}
