/**
 * T5 relative position bias: each (query, key) offset falls in a bucket (exact for small offsets,
 * log-spaced up to `maxDistance`, one bucket beyond), each bucket has a learned bias per head.
 * Buckets depend only on lengths, so they are computed on the host: no device data is read.
 */
import { ArgumentError, embedding, tensor, type Tensor } from '@tessera/core';

export interface RelativeBucketOptions {
  /** true in the encoder (keys before and after the query), false in the decoder (causal). */
  bidirectional: boolean;
  /** `relative_attention_num_buckets` */
  numBuckets: number;
  /** `relative_attention_max_distance` */
  maxDistance: number;
}

export interface RelativeBucketMatrixOptions extends RelativeBucketOptions {
  /** Absolute position of the first query (a decoder step with a cache: the tokens before it). */
  queryOffset?: number;
}

const f32 = Math.fround;

function checkOptions(fn: string, o: RelativeBucketOptions): number {
  if (typeof o !== 'object' || o === null) throw new ArgumentError(`${fn}: options must be an object, got ${String(o)}`);
  if (typeof o.bidirectional !== 'boolean') {
    throw new ArgumentError(`${fn}: bidirectional must be a boolean, got ${JSON.stringify(o.bidirectional)}`);
  }
  const minBuckets = o.bidirectional ? 4 : 2;
  if (!Number.isInteger(o.numBuckets) || o.numBuckets < minBuckets) {
    throw new ArgumentError(`${fn}: numBuckets must be an integer ≥ ${minBuckets} (bidirectional ${o.bidirectional}), got ${o.numBuckets}`);
  }
  const maxExact = Math.floor((o.bidirectional ? Math.floor(o.numBuckets / 2) : o.numBuckets) / 2);
  if (!Number.isInteger(o.maxDistance) || o.maxDistance <= maxExact) {
    throw new ArgumentError(`${fn}: maxDistance must be an integer > ${maxExact} (half the buckets of one direction), got ${o.maxDistance}`);
  }
  return maxExact;
}

function bucketOf(rel: number, bidirectional: boolean, numBuckets: number, maxDistance: number, maxExact: number): number {
  let nb = numBuckets;
  let base = 0;
  let n: number;
  if (bidirectional) {
    nb = Math.floor(nb / 2);
    if (rel > 0) base = nb;
    n = Math.abs(rel);
  } else {
    n = rel < 0 ? -rel : 0;
  }
  if (n < maxExact) return base + n;
  // As transformers: log in float32, then truncation toward zero, capped at the last bucket.
  const logRatio = f32(Math.log(f32(n / maxExact)));
  const scaled = f32(f32(logRatio / f32(Math.log(maxDistance / maxExact))) * (nb - maxExact));
  return base + Math.min(maxExact + Math.trunc(scaled), nb - 1);
}

/** The bucket of one relative position (key position − query position). */
export function relativePositionBucket(relativePosition: number, opts: RelativeBucketOptions): number {
  const maxExact = checkOptions('relativePositionBucket', opts);
  if (!Number.isInteger(relativePosition)) {
    throw new ArgumentError(`relativePositionBucket: relativePosition must be an integer, got ${relativePosition}`);
  }
  return bucketOf(relativePosition, opts.bidirectional, opts.numBuckets, opts.maxDistance, maxExact);
}

function checkLength(fn: string, name: string, v: unknown, min: number): number {
  if (!Number.isInteger(v) || (v as number) < min) throw new ArgumentError(`${fn}: ${name} must be an integer ≥ ${min}, got ${String(v)}`);
  return v as number;
}

/**
 * Row-major [queryLength, keyLength] bucket ids for queries at `queryOffset + i` and keys at `j`
 * (HF's `_relative_position_bucket(memory_position - context_position)`).
 */
export function relativePositionBuckets(queryLength: number, keyLength: number, opts: RelativeBucketMatrixOptions): Int32Array {
  const fn = 'relativePositionBuckets';
  const maxExact = checkOptions(fn, opts);
  checkLength(fn, 'queryLength', queryLength, 0);
  checkLength(fn, 'keyLength', keyLength, 0);
  const offset = checkLength(fn, 'queryOffset', opts.queryOffset ?? 0, 0);
  const out = new Int32Array(queryLength * keyLength);
  // One bucket per distinct offset: the matrix is Toeplitz.
  const memo = new Map<number, number>();
  for (let i = 0; i < queryLength; i++) {
    for (let j = 0; j < keyLength; j++) {
      const rel = j - (offset + i);
      let b = memo.get(rel);
      if (b === undefined) {
        b = bucketOf(rel, opts.bidirectional, opts.numBuckets, opts.maxDistance, maxExact);
        memo.set(rel, b);
      }
      out[i * keyLength + j] = b;
    }
  }
  return out;
}

/**
 * The additive attention bias [1, heads, queryLength, keyLength] from the bucket embedding
 * `weight` [numBuckets, heads] (`relative_attention_bias.weight`); differentiable in `weight`.
 */
export function t5PositionBias(weight: Tensor, queryLength: number, keyLength: number, opts: RelativeBucketMatrixOptions): Tensor {
  if (weight.ndim !== 2 || weight.shape[0] !== opts.numBuckets) {
    throw new ArgumentError(
      `t5PositionBias: weight must be [numBuckets ${opts.numBuckets}, heads], got [${weight.shape.join(', ')}]`, 'ERR_SHAPE',
    );
  }
  const ids = relativePositionBuckets(queryLength, keyLength, opts);
  const idx = tensor(ids, { shape: [queryLength, keyLength], dtype: 'int32', backend: weight.backend });
  const values = embedding(idx, weight); // [q, k, heads]
  const perm = values.permute([2, 0, 1]);
  const out = perm.unsqueeze(0);
  // Views and the index are needed by backward only when a graph was recorded.
  if (!out.node) [idx, values, perm].forEach((t) => t !== out && t.dispose());
  return out;
}
