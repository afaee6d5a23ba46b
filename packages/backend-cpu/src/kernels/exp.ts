import { defineKernel } from '@tessera/core';
import { FLOAT32 } from '../util/arrays.js';
import { runUnary } from '../util/elementwise.js';

export default defineKernel('exp', { dtypes: FLOAT32, run: (args) => runUnary(args, Math.exp) });
