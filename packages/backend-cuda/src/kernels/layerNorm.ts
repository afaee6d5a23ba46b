import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { DTYPE_CODES, FLOATS, addr, rows } from '../util/ops.js';

export default defineKernel<'layerNorm', CudaBackend>('layerNorm', {
  dtypes: FLOATS,
  run: ({ backend: { native }, inputs, outputs: [y], attrs: { eps, hasWeight, hasBias } }) => {
    const x = inputs[0]!;
    const { outer, n } = rows(x);
    const w = hasWeight ? addr(inputs[1]!) : 0;
    const b = hasBias ? addr(inputs[hasWeight ? 2 : 1]!) : 0;
    native.layerNorm(DTYPE_CODES[x.dtype], addr(x), w, b, addr(y!), outer, n, eps);
  },
});
