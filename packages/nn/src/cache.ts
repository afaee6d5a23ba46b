/**
 * Preallocated key/value cache for incremental decoding: per layer K and V [B, Hkv, maxLength, D],
 * written in place at the current length. Gradients do not flow into cached keys/values (it is an
 * inference structure). Cross-attention keys/values (encoder-decoder) are stored once per layer.
 */
import { full, indexSelect, keep, noGrad, sliceAssign, tensor, tidy, type DType, type Tensor } from '@tessera/core';
import { NnError } from './errors.js';

export interface CacheShape { numLayers: number; numKvHeads: number; headDim: number }
export interface NewCacheOptions { batchSize: number; maxLength: number; dtype?: DType; backend?: string }

export class KVCache {
  /** Positions already written (the same for every layer). */
  length = 0;
  readonly keys: Tensor[] = [];
  readonly values: Tensor[] = [];
  readonly crossKeys: (Tensor | undefined)[] = [];
  readonly crossValues: (Tensor | undefined)[] = [];
  readonly batchSize: number;
  readonly maxLength: number;

  constructor(shape: CacheShape, opts: NewCacheOptions) {
    for (const [k, v] of Object.entries({ batchSize: opts?.batchSize, maxLength: opts?.maxLength })) {
      if (!Number.isInteger(v) || (v as number) < 1) throw new NnError(`newCache: ${k} must be a positive integer, got ${String(v)}`, 'ERR_ARGUMENT');
    }
    this.batchSize = opts.batchSize;
    this.maxLength = opts.maxLength;
    const s = [opts.batchSize, shape.numKvHeads, opts.maxLength, shape.headDim];
    for (let l = 0; l < shape.numLayers; l++) {
      this.keys.push(keep(full(s, 0, { dtype: opts.dtype ?? 'float32', backend: opts.backend })));
      this.values.push(keep(full(s, 0, { dtype: opts.dtype ?? 'float32', backend: opts.backend })));
    }
  }

  /** Check a step of T new tokens fits (call before the layers run). */
  checkStep(batch: number, T: number, where: string): void {
    if (batch !== this.batchSize) throw new NnError(`${where}: the cache was made for batch ${this.batchSize}, inputs have ${batch}`, 'ERR_SHAPE');
    if (this.length + T > this.maxLength) {
      throw new NnError(`${where}: ${this.length} cached + ${T} new positions exceed the cache's maxLength ${this.maxLength}; make it with a larger maxLength`, 'ERR_ARGUMENT');
    }
  }

  /** Write this step's k, v [B, Hkv, T, D] for `layer`; returns views of all positions so far. */
  update(layer: number, k: Tensor, v: Tensor): [Tensor, Tensor] {
    const K = this.keys[layer]!, V = this.values[layer]!;
    const T = k.shape[2]!;
    sliceAssign(K, 2, this.length, k.detach());
    sliceAssign(V, 2, this.length, v.detach());
    return [K.narrow(2, 0, this.length + T), V.narrow(2, 0, this.length + T)];
  }

  /** Mark T positions written (after every layer ran). */
  advance(T: number): void { this.length += T; }

  /** Cross-attention K/V of `layer`, computed once from the encoder output. */
  cross(layer: number, make: () => [Tensor, Tensor]): [Tensor, Tensor] {
    if (!this.crossKeys[layer]) {
      const [k, v] = make();
      this.crossKeys[layer] = keep(k.detach());
      this.crossValues[layer] = keep(v.detach());
    }
    return [this.crossKeys[layer]!, this.crossValues[layer]!];
  }

  /**
   * Row i of the cache becomes row rows[i] (HF's reorder_cache): beam search keeps the beams it
   * extends. Cross-attention K/V are reordered too.
   */
  reorder(rows: readonly number[]): void {
    if (rows.length !== this.batchSize || !rows.every((r) => Number.isInteger(r) && r >= 0 && r < this.batchSize)) {
      throw new NnError(`KVCache.reorder: rows must be ${this.batchSize} indices in [0, ${this.batchSize}), got [${rows.join(', ')}]`, 'ERR_ARGUMENT');
    }
    if (rows.every((r, i) => r === i)) return;
    noGrad(() => tidy(() => {
      const all = [...this.keys, ...this.values, ...this.crossKeys, ...this.crossValues].filter((t): t is Tensor => t !== undefined);
      const idx = tensor(rows as number[], { dtype: 'int32', backend: all[0]?.backend });
      for (const t of all) t.assign(indexSelect(t, 0, idx).contiguous());
    }));
  }

  /** Forget the written positions (the buffers are reused). */
  reset(): void {
    this.length = 0;
    for (const t of [...this.crossKeys, ...this.crossValues]) t?.dispose();
    this.crossKeys.length = 0;
    this.crossValues.length = 0;
  }

  dispose(): void {
    for (const t of [...this.keys, ...this.values, ...this.crossKeys, ...this.crossValues]) t?.dispose();
  }
}
