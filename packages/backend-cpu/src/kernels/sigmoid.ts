import { defineKernel } from '@tessera/core';
import { FLOAT32 } from '../util/arrays.js';
import { runUnary } from '../util/elementwise.js';

export default defineKernel('sigmoid', { dtypes: FLOAT32, run: (args) => runUnary(args, (x) => 1 / (1 + Math.exp(-x))) });
