import { defineKernel } from '@tessera/core';
import { FLOAT32 } from '../util/arrays.js';
import { runBinary } from '../util/elementwise.js';

// C / PyTorch pow, which differs from Math.pow in two places: pow(1, y) = 1 even for NaN / ±inf,
// and pow(-1, ±inf) = 1.
const pow = (a: number, b: number): number =>
  a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : Math.pow(a, b);

export default defineKernel('pow', { dtypes: FLOAT32, run: (args) => runBinary(args, pow) });
