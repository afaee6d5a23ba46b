/**
 * Multi-head attention on [B, H, T, D] heads through core's fused scaledDotProductAttention:
 * padding masks from a [B, S] attention mask, causal masking (bottom-right aligned, so cached
 * prefixes work), grouped-query attention by sharing each key/value head among H / Hkv query heads.
 */
import { full, ne, scaledDotProductAttention, where, type DType, type Tensor } from '@tessera/core';
import { NnError } from './errors.js';

/** [B, T, H·D] → [B, H, T, D]. */
export function splitHeads(x: Tensor, heads: number): Tensor {
  const [B, T, C] = x.shape as [number, number, number];
  return x.reshape([B, T, heads, C / heads]).transpose(1, 2);
}

/** [B, H, T, D] → [B, T, H·D]. */
export function mergeHeads(x: Tensor): Tensor {
  const [B, H, T, D] = x.shape as [number, number, number, number];
  return x.transpose(1, 2).reshape([B, T, H * D]);
}

/** Repeat each of Hkv heads H / Hkv times: [B, Hkv, S, D] → [B, H, S, D] (HF's repeat_kv). */
export function repeatKv(x: Tensor, heads: number): Tensor {
  const [B, Hkv, S, D] = x.shape as [number, number, number, number];
  if (Hkv === heads) return x;
  return x.reshape([B, Hkv, 1, S, D]).expand([B, Hkv, heads / Hkv, S, D]).reshape([B, heads, S, D]);
}

/** bool [B, 1, 1, S] (true = attend) from a [B, S] 1/0 attention mask. */
export function paddingMask(attentionMask: Tensor): Tensor {
  const [B, S] = attentionMask.shape as [number, number];
  return ne(attentionMask, 0).reshape([B, 1, 1, S]);
}

/**
 * The same mask as an additive bias (0 attend, -inf padding), [B, 1, 1, S] of `dtype`: the form to
 * sum with a position bias (T5) before `attend`, which takes bool masks and additive ones alike.
 */
export function paddingBias(attentionMask: Tensor, dtype: DType = 'float32'): Tensor {
  return where(paddingMask(attentionMask), full([], 0, { dtype, backend: attentionMask.backend }), -Infinity);
}

export interface AttendOptions {
  /** bool (true = attend) or additive float mask broadcastable to [B, H, T, S]. */
  mask?: Tensor;
  causal?: boolean;
  scale?: number;
  dropoutP?: number;
}

/** softmax(q kᵀ · scale + mask) v with GQA: q [B, H, T, D], k / v [B, Hkv, S, D]. */
export function attend(q: Tensor, k: Tensor, v: Tensor, opts: AttendOptions = {}): Tensor {
  const H = q.shape[1]!, Hkv = k.shape[1]!;
  if (H % Hkv !== 0) throw new NnError(`attend: ${H} query heads are not a multiple of ${Hkv} key/value heads`, 'ERR_SHAPE');
  return scaledDotProductAttention(q, repeatKv(k, H), repeatKv(v, H), {
    attnMask: opts.mask, isCausal: opts.causal ?? false, scale: opts.scale, dropoutP: opts.dropoutP ?? 0,
  });
}
