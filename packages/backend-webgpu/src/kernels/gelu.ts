import { defineKernel } from '@tessera/core';
import { runElementwise } from '../util/elementwise.js';
import { ERF, TANH } from '../util/math.js';

export default defineKernel('gelu', {
  dtypes: ['float32'],
  run: ({ backend, inputs: [x], outputs: [y], attrs: { approximate } }) =>
    runElementwise(backend, {
      op: 'gelu', inputs: [x!], output: y!, fns: ERF + TANH,
      expr: approximate === 'tanh'
        ? '0.5 * a * (1.0 + tanh_(0.7978845608028654 * (a + 0.044715 * a * a * a)))'
        : '0.5 * a * (1.0 + erf_(a * 0.7071067811865476))',
    }),
});
