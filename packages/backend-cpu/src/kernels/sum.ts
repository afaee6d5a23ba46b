import { defineKernel } from '@tessera/core';
import { NUMERIC_BOOL } from '../util/arrays.js';
import { reduceRows } from '../util/reduce.js';

// Accumulates in float64 (exact for int32 sums below 2^53; the store then wraps like int32).
export default defineKernel('sum', {
  dtypes: NUMERIC_BOOL,
  run: (args) => reduceRows(args, (X, start, n) => {
    let s = 0;
    for (let i = start, end = start + n; i < end; i++) s += X[i];
    return s;
  }),
});
