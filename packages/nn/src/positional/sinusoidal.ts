import { tensor, type Tensor } from '@tessera/core';

/**
 * The original transformer's fixed encoding [maxLength, dim]: PE(p, 2i) = sin(p / 10000^(2i/d)),
 * PE(p, 2i+1) = cos(same).
 */
export function sinusoidalPositions(maxLength: number, dim: number, opts: { base?: number; backend?: string } = {}): Tensor {
  const base = opts.base ?? 10000;
  const v = new Float32Array(maxLength * dim);
  for (let p = 0; p < maxLength; p++) {
    for (let i = 0; i < dim; i += 2) {
      const a = p / base ** (i / dim);
      v[p * dim + i] = Math.sin(a);
      if (i + 1 < dim) v[p * dim + i + 1] = Math.cos(a);
    }
  }
  return tensor(v, { shape: [maxLength, dim], backend: opts.backend });
}
