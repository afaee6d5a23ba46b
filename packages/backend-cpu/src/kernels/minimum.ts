import { defineKernel } from '@tessera/core';
import { NUMERIC_BOOL } from '../util/arrays.js';
import { runBinary } from '../util/elementwise.js';

// Math.min propagates NaN, as torch.minimum does.
export default defineKernel('minimum', { dtypes: NUMERIC_BOOL, run: (args) => runBinary(args, Math.min) });
