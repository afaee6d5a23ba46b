import { cast, cat, mul, neg, add, split, tensor, type Tensor } from '@tessera/core';

/**
 * Rotary position embedding in HF's rotate-half convention: the two halves of a head form the
 * pairs; inv_freq_i = theta^(-2i/d).
 */
export class RotaryEmbedding {
  readonly invFreq: Float32Array;
  constructor(readonly dim: number, readonly theta = 10000) {
    this.invFreq = new Float32Array(dim / 2);
    for (let i = 0; i < dim / 2; i++) this.invFreq[i] = 1 / theta ** ((2 * i) / dim);
  }

  /** cos and sin [B, 1, T, dim] for int position ids [B, T]. */
  cosSin(positionIds: Tensor): [Tensor, Tensor] {
    const [B, T] = positionIds.shape as [number, number];
    const inv = tensor(this.invFreq, { shape: [1, 1, this.dim / 2], backend: positionIds.backend });
    const freqs = mul(cast(positionIds, 'float32').reshape([B, T, 1]), inv);
    const emb = cat([freqs, freqs], -1).reshape([B, 1, T, this.dim]);
    return [emb.cos(), emb.sin()];
  }
}

function rotateHalf(x: Tensor): Tensor {
  const h = x.shape[x.ndim - 1]! / 2;
  return cat([neg(x.slice(-1, h)), x.slice(-1, 0, h)], -1);
}

/**
 * x · cos + rotate_half(x) · sin for x [B, H, T, D]; with `dim` < D only the first `dim` channels
 * rotate and the rest pass through (partial rotary, as GPT-NeoX / Phi), cos / sin being [.., dim].
 */
export function applyRotary(x: Tensor, cos: Tensor, sin: Tensor, dim = x.shape[x.ndim - 1]!): Tensor {
  const D = x.shape[x.ndim - 1]!;
  if (dim < D) {
    const [rot, pass] = split(x, [dim, D - dim], -1) as [Tensor, Tensor];
    return cat([applyRotary(rot, cos, sin), pass], -1);
  }
  const c = x.dtype === cos.dtype ? cos : cast(cos, x.dtype);
  const s = x.dtype === sin.dtype ? sin : cast(sin, x.dtype);
  return add(mul(x, c), mul(rotateHalf(x), s));
}
