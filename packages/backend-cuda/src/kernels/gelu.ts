import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { DTYPE_CODES, FLOATS, GELU_CODES, addr, numel } from '../util/ops.js';

export default defineKernel<'gelu', CudaBackend>('gelu', {
  dtypes: FLOATS,
  run: ({ backend: { native }, inputs: [x], outputs: [y], attrs: { approximate } }) => {
    const n = numel(x!.shape);
    if (n === 0) return;
    const op = GELU_CODES[approximate];
    native.unary(op, DTYPE_CODES[x!.dtype], addr(x!), addr(y!), [n], [1], [1]);
  },
});
