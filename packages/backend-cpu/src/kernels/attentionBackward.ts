import { defineKernel } from '@tessera/core';
import { FLOAT32, f32 } from '../util/arrays.js';
import { scoreRow } from '../util/attention.js';

/**
 * Gradients of `attention`, one query row at a time (the row's probabilities are recomputed, so no
 * [tq, tk] matrix is kept): dV += p dO, dS = p (dO·V - D), dQ = scale dS K, dK += scale dS q.
 * Rows that see no key have p = 0 and contribute nothing, as the forward gives them zeros.
 */
export default defineKernel('attentionBackward', {
  dtypes: FLOAT32,
  run: ({ inputs, outputs: [dq, dk, dv], attrs: { scale, causal, hasMask } }) => {
    const [q, k, v] = inputs;
    const mask = hasMask ? inputs[3] : undefined;
    const g = inputs[hasMask ? 4 : 3];
    const [B, tq, d] = q.shape, tk = k.shape[1], nv = v.shape[2];
    const Q = f32(q), K = f32(k), V = f32(v), G = f32(g), M = mask && f32(mask);
    const DQ = f32(dq), DK = f32(dk), DV = f32(dv);
    const [qb, qr, qc] = q.strides, [kb, kr, kc] = k.strides, [vb, vr, vc] = v.strides, [gb, gr, gc] = g.strides;
    const p = new Float64Array(tk), ds = new Float64Array(tk);
    const accK = new Float64Array(tk * d), accV = new Float64Array(tk * nv), accQ = new Float64Array(d);
    for (let b = 0; b < B; b++) {
      accK.fill(0);
      accV.fill(0);
      for (let i = 0; i < tq; i++) {
        const qi = q.offset + b * qb + i * qr, gi = g.offset + b * gb + i * gr;
        const seen = causal ? Math.max(0, Math.min(tk, i + tk - tq + 1)) : tk;
        const max = scoreRow(q, k, mask, Q, K, M, b, i, seen, scale, p);
        const dqRow = (dq.offset + (b * tq + i) * d);
        if (max === -Infinity) { DQ.fill(0, dqRow, dqRow + d); continue; }
        let sum = 0;
        for (let j = 0; j < seen; j++) sum += p[j] = Math.exp(p[j] - max);
        let D = 0;
        for (let j = 0; j < seen; j++) {
          p[j] /= sum;
          const vj = v.offset + b * vb + j * vr;
          let dp = 0;
          for (let t = 0; t < nv; t++) {
            const go = G[gi + t * gc];
            dp += go * V[vj + t * vc];
            accV[j * nv + t] += p[j] * go;
          }
          ds[j] = dp;
          D += p[j] * dp;
        }
        accQ.fill(0);
        for (let j = 0; j < seen; j++) {
          const s = p[j] * (ds[j] - D) * scale;
          const kj = k.offset + b * kb + j * kr;
          for (let t = 0; t < d; t++) {
            accQ[t] += s * K[kj + t * kc];
            accK[j * d + t] += s * Q[qi + t * qc];
          }
        }
        for (let t = 0; t < d; t++) DQ[dqRow + t] = accQ[t];
      }
      DK.set(accK, dk.offset + b * tk * d);
      DV.set(accV, dv.offset + b * tk * nv);
    }
  },
});
