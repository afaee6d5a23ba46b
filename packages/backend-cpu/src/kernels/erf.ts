import { defineKernel } from '@tessera/core';
import { FLOAT32 } from '../util/arrays.js';
import { runUnary } from '../util/elementwise.js';
import { erf } from '../util/erf.js';

export default defineKernel('erf', { dtypes: FLOAT32, run: (args) => runUnary(args, erf) });
