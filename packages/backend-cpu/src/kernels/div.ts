import { defineKernel } from '@tessera/core';
import { FLOAT32 } from '../util/arrays.js';
import { runBinary } from '../util/elementwise.js';

export default defineKernel('div', { dtypes: FLOAT32, run: (args) => runBinary(args, (a, b) => a / b) });
