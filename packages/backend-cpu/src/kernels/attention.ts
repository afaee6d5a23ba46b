import { defineKernel } from '@tessera/core';
import { FLOAT32, f32 } from '../util/arrays.js';
import { scoreRow } from '../util/attention.js';

/**
 * o = softmax(scale · q kᵀ + mask) v per batch and query row. Causal aligns bottom-right: query i
 * sees keys j <= i + (tk - tq). A row that sees no key (every score -inf) gives zeros, not NaN
 * (PyTorch's SDPA gives NaN there; zeros keep padded rows harmless). Every input is read through
 * its strides (core lists attention among the strided ops).
 */
export default defineKernel('attention', {
  dtypes: FLOAT32,
  run: ({ inputs: [q, k, v, mask], outputs: [o], attrs: { scale, causal, hasMask } }) => {
    const [B, tq] = q.shape, tk = k.shape[1], dv = v.shape[2];
    const Q = f32(q), K = f32(k), V = f32(v), O = f32(o), M = hasMask ? f32(mask) : undefined;
    const [vb, vr, vc] = v.strides;
    const s = new Float64Array(tk), acc = new Float64Array(dv);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < tq; i++) {
        const oi = o.offset + (b * tq + i) * dv;
        const seen = causal ? Math.min(tk, i + tk - tq + 1) : tk;
        const max = scoreRow(q, k, mask, Q, K, M, b, i, seen, scale, s);
        acc.fill(0);
        if (max === -Infinity) { O.fill(0, oi, oi + dv); continue; }
        let sum = 0;
        for (let j = 0; j < seen; j++) {
          const p = Math.exp(s[j] - max);
          sum += p;
          const vj = v.offset + b * vb + j * vr;
          for (let t = 0; t < dv; t++) acc[t] += p * V[vj + t * vc];
        }
        for (let t = 0; t < dv; t++) O[oi + t] = acc[t] / sum;
      }
    }
  },
});
