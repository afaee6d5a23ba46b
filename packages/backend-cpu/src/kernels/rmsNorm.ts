import { defineKernel } from '@tessera/core';
import { FLOAT32, f32, rows } from '../util/arrays.js';

/** x / sqrt(mean(x²) + eps) * weight over the last axis. */
export default defineKernel('rmsNorm', {
  dtypes: FLOAT32,
  run: ({ inputs: [x, w], outputs: [y], attrs: { eps, hasWeight } }) => {
    const X = f32(x), Y = f32(y), W = hasWeight ? f32(w) : undefined, { outer, n } = rows(x);
    for (let r = 0; r < outer; r++) {
      const s = x.offset + r * n, t = y.offset + r * n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += X[s + i] * X[s + i];
      const scale = 1 / Math.sqrt(ss / n + eps);
      for (let i = 0; i < n; i++) Y[t + i] = W ? X[s + i] * scale * W[w.offset + i] : X[s + i] * scale;
    }
  },
});
