import { defineKernel } from '@tessera/core';
import { NUMERIC_BOOL } from '../util/arrays.js';
import { runBinary } from '../util/elementwise.js';

export default defineKernel('le', { dtypes: NUMERIC_BOOL, run: (args) => runBinary(args, (a, b) => (a <= b ? 1 : 0)) });
