import { defineKernel } from '@tessera/core';
import { NUMERIC_BOOL } from '../util/arrays.js';
import { runBinary } from '../util/elementwise.js';

// Math.max propagates NaN, as torch.maximum does.
export default defineKernel('maximum', { dtypes: NUMERIC_BOOL, run: (args) => runBinary(args, Math.max) });
