import { defineKernel } from '@tessera/core';
import { ALL_DTYPES, dims3, i32, raw } from '../util/arrays.js';

/** y[o, j, :] = x[o, index[j], :], moving raw bits; an out-of-range index gives a zero row (core validates first). */
export default defineKernel('indexSelect', {
  dtypes: ALL_DTYPES,
  run: ({ inputs: [x, index], outputs: [y] }) => {
    const [outer, d, inner] = dims3(x, 'indexSelect');
    const n = index.shape[0];
    const X = raw(x), I = i32(index), Y = raw(y);
    for (let o = 0, dst = y.offset; o < outer; o++) {
      for (let j = 0; j < n; j++, dst += inner) {
        const t = I[index.offset + j];
        if (!(t >= 0 && t < d)) { Y.fill(0, dst, dst + inner); continue; }
        const src = x.offset + (o * d + t) * inner;
        if (inner >= 32) Y.set(X.subarray(src, src + inner), dst);
        else for (let i = 0; i < inner; i++) Y[dst + i] = X[src + i];
      }
    }
  },
});
