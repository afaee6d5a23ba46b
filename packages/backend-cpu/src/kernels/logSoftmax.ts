import { defineKernel } from '@tessera/core';
import { FLOAT32, f32, rows } from '../util/arrays.js';

/** y = x - max - log Σ exp(x - max) over the last axis. */
export default defineKernel('logSoftmax', {
  dtypes: FLOAT32,
  run: ({ inputs: [x], outputs: [y] }) => {
    const X = f32(x), Y = f32(y), { outer, n } = rows(x);
    for (let r = 0; r < outer; r++) {
      const s = x.offset + r * n, t = y.offset + r * n;
      let m = -Infinity;
      for (let i = 0; i < n; i++) m = Math.max(m, X[s + i]);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += Math.exp(X[s + i] - m);
      const lse = m + Math.log(sum);
      for (let i = 0; i < n; i++) Y[t + i] = X[s + i] - lse;
    }
  },
});
