import { defineKernel } from '@tessera/core';
import { FLOAT32, f32, i32, rows } from '../util/arrays.js';

/**
 * Per-row loss -(1 - s)·logp[t] - (s / c)·Σ logp with logp = x - logsumexp(x); 0 where t is
 * ignoreIndex, NaN for any other out-of-range target (core validates targets first).
 */
export default defineKernel('crossEntropy', {
  dtypes: FLOAT32,
  run: ({ inputs: [logits, target], outputs: [loss], attrs: { ignoreIndex, labelSmoothing: s } }) => {
    const X = f32(logits), T = i32(target), L = f32(loss), { outer, n: c } = rows(logits);
    for (let r = 0; r < outer; r++) {
      const t = T[target.offset + r], base = logits.offset + r * c;
      if (t === ignoreIndex) { L[loss.offset + r] = 0; continue; }
      if (!(t >= 0 && t < c)) { L[loss.offset + r] = NaN; continue; }
      let m = -Infinity, sumX = 0;
      for (let i = 0; i < c; i++) { m = Math.max(m, X[base + i]); sumX += X[base + i]; }
      let sum = 0;
      for (let i = 0; i < c; i++) sum += Math.exp(X[base + i] - m);
      const lse = m + Math.log(sum);
      const logpT = X[base + t] - lse, sumLogp = sumX - c * lse;
      L[loss.offset + r] = -(1 - s) * logpT - (s / c) * sumLogp;
    }
  },
});
