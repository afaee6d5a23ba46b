import { defineKernel } from '@tessera/core';
import { NUMERIC_BOOL } from '../util/arrays.js';
import { reduceRows } from '../util/reduce.js';

// Index of the first maximum; NaN counts as the maximum (first NaN wins), as torch.argmax.
export default defineKernel('argmax', {
  dtypes: NUMERIC_BOOL,
  run: (args) => reduceRows(args, (X, start, n) => {
    let best = 0, bv = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = X[start + i];
      if (v !== v) return i;
      if (v > bv || i === 0) { bv = v; best = i; }
    }
    return best;
  }),
});
