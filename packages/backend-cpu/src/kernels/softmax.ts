import { defineKernel } from '@tessera/core';
import { FLOAT32, f32, rows } from '../util/arrays.js';

/** Over the last axis, max-subtracted; exps kept in float64 until the final division. */
export default defineKernel('softmax', {
  dtypes: FLOAT32,
  run: ({ inputs: [x], outputs: [y] }) => {
    const X = f32(x), Y = f32(y), { outer, n } = rows(x);
    const e = new Float64Array(n);
    for (let r = 0; r < outer; r++) {
      const s = x.offset + r * n, t = y.offset + r * n;
      let m = -Infinity;
      for (let i = 0; i < n; i++) m = Math.max(m, X[s + i]);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += e[i] = Math.exp(X[s + i] - m);
      for (let i = 0; i < n; i++) Y[t + i] = e[i] / sum;
    }
  },
});
