import { defineKernel } from '@tessera/core';
import { NUMERIC } from '../util/arrays.js';
import { runBinary } from '../util/elementwise.js';

export default defineKernel('sub', { dtypes: NUMERIC, run: (args) => runBinary(args, (a, b) => a - b) });
