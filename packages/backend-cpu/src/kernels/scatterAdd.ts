import { defineKernel } from '@tessera/core';
import { NUMERIC, dims3, i32, num } from '../util/arrays.js';

/** y = base; y[o, index[o, j, i], i] += src[o, j, i]. Out-of-range indices are skipped, never written. */
export default defineKernel('scatterAdd', {
  dtypes: NUMERIC,
  run: ({ inputs: [base, index, src], outputs: [y] }) => {
    const [outer, d, inner] = dims3(base, 'scatterAdd');
    const n = index.shape[1];
    const B = num(base), I = i32(index), S = num(src), Y = num(y);
    Y.set(B.subarray(base.offset, base.offset + outer * d * inner), y.offset);
    let q = 0;
    for (let o = 0; o < outer; o++) {
      const dst = y.offset + o * d * inner;
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < inner; i++, q++) {
          const t = I[index.offset + q];
          if (t >= 0 && t < d) Y[dst + t * inner + i] += S[src.offset + q];
        }
      }
    }
  },
});
