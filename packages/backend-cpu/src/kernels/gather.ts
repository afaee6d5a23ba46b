import { defineKernel } from '@tessera/core';
import { ALL_DTYPES, dims3, i32, raw } from '../util/arrays.js';

/** y[o, j, i] = x[o, index[o, j, i], i], moving raw bits; an out-of-range index gives 0 (core validates first). */
export default defineKernel('gather', {
  dtypes: ALL_DTYPES,
  run: ({ inputs: [x, index], outputs: [y] }) => {
    const [outer, d, inner] = dims3(x, 'gather');
    const n = index.shape[1];
    const X = raw(x), I = i32(index), Y = raw(y);
    let q = 0;
    for (let o = 0; o < outer; o++) {
      const base = x.offset + o * d * inner;
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < inner; i++, q++) {
          const t = I[index.offset + q];
          Y[y.offset + q] = t >= 0 && t < d ? X[base + t * inner + i] : 0;
        }
      }
    }
  },
});
