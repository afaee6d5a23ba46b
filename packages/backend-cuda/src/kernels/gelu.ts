import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { DT, FLOATS, UNARY, addr, numel } from '../util/ops.js';

export default defineKernel<'gelu', CudaBackend>('gelu', {
  dtypes: FLOATS,
  run: ({ backend: { native }, inputs: [x], outputs: [y], attrs: { approximate } }) => {
    const n = numel(x!.shape);
    if (n === 0) return;
    const op = approximate === 'tanh' ? UNARY.geluTanh : UNARY.geluErf;
    native.unary(op, DT[x!.dtype], addr(x!), addr(y!), [n], [1], [1]);
  },
});
