import { defineKernel } from '@tessera/core';
import { NUMERIC } from '../util/arrays.js';
import { runUnary } from '../util/elementwise.js';

export default defineKernel('neg', { dtypes: NUMERIC, run: (args) => runUnary(args, (x) => -x) });
