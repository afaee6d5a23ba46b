import { defineKernel } from '@tessera/core';
import { FLOAT32, f32, rows } from '../util/arrays.js';

/** (x - mean) / sqrt(var + eps) * weight + bias over the last axis; biased variance, two passes in float64. */
export default defineKernel('layerNorm', {
  dtypes: FLOAT32,
  run: ({ inputs, outputs: [y], attrs: { eps, hasWeight, hasBias } }) => {
    const x = inputs[0], w = hasWeight ? inputs[1] : undefined, b = hasBias ? inputs[hasWeight ? 2 : 1] : undefined;
    const X = f32(x), Y = f32(y), W = w && f32(w), B = b && f32(b), { outer, n } = rows(x);
    for (let r = 0; r < outer; r++) {
      const s = x.offset + r * n, t = y.offset + r * n;
      let mean = 0;
      for (let i = 0; i < n; i++) mean += X[s + i];
      mean /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (X[s + i] - mean) ** 2;
      const rstd = 1 / Math.sqrt(v / n + eps);
      for (let i = 0; i < n; i++) {
        let z = (X[s + i] - mean) * rstd;
        if (W) z *= W[w.offset + i];
        if (B) z += B[b.offset + i];
        Y[t + i] = z;
      }
    }
  },
});
