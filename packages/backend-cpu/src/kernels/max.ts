import { defineKernel } from '@tessera/core';
import { NUMERIC_BOOL } from '../util/arrays.js';
import { reduceRows } from '../util/reduce.js';

// NaN propagates (torch.max); an empty row gives -inf.
export default defineKernel('max', {
  dtypes: NUMERIC_BOOL,
  run: (args) => reduceRows(args, (X, start, n) => {
    let m = -Infinity;
    for (let i = start, end = start + n; i < end; i++) {
      const v = X[i];
      if (v !== v) return NaN;
      if (v > m) m = v;
    }
    return m;
  }),
});
