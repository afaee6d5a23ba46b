import { defineKernel } from '@tessera/core';
import { runElementwise } from '../util/elementwise.js';
import { valueType } from '../util/wgsl.js';

// cond (any dtype, usually packed bool) picks a where it is non-zero.
export default defineKernel('where', {
  dtypes: ['float32', 'int32'],
  run: ({ backend, inputs: [cond, a, b], outputs: [y] }) =>
    runElementwise(backend, { op: 'where', inputs: [cond!, a!, b!], output: y!, expr: `select(c, b, a != ${valueType(cond!.dtype) === 'f32' ? '0.0' : '0'})` }),
});
