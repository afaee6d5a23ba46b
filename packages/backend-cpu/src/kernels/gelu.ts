import { defineKernel } from '@tessera/core';
import { FLOAT32 } from '../util/arrays.js';
import { runUnary } from '../util/elementwise.js';
import { erf } from '../util/erf.js';

const SQRT1_2 = Math.SQRT1_2, SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const exact = (x: number): number => 0.5 * x * (1 + erf(x * SQRT1_2));
const tanhApprox = (x: number): number => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));

export default defineKernel('gelu', {
  dtypes: FLOAT32,
  run: (args) => runUnary(args, args.attrs.approximate === 'tanh' ? tanhApprox : exact),
});
