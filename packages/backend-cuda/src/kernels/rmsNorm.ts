import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { DTYPE_CODES, FLOATS, addr, rows } from '../util/ops.js';

export default defineKernel<'rmsNorm', CudaBackend>('rmsNorm', {
  dtypes: FLOATS,
  run: ({ backend: { native }, inputs, outputs: [y], attrs: { eps, hasWeight } }) => {
    const x = inputs[0]!;
    const { outer, n } = rows(x);
    native.rmsNorm(DTYPE_CODES[x.dtype], addr(x), hasWeight ? addr(inputs[1]!) : 0, addr(y!), outer, n, eps);
  },
});
