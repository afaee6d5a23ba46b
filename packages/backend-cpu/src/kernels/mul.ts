import { defineKernel } from '@tessera/core';
import { NUMERIC_BOOL } from '../util/arrays.js';
import { runBinary } from '../util/elementwise.js';

const fmul = (a: number, b: number): number => a * b;

// Integer products must wrap exactly like C int32: Math.imul (a float64 product loses low bits).
export default defineKernel('mul', {
  dtypes: NUMERIC_BOOL,
  run: (args) => runBinary(args, args.inputs[0].dtype === 'float32' ? fmul : Math.imul),
});
