import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { DTYPE_CODES, FLOATS, addr, rows } from '../util/ops.js';

export default defineKernel<'softmax', CudaBackend>('softmax', {
  dtypes: FLOATS,
  run: ({ backend: { native }, inputs: [x], outputs: [y] }) => {
    const { outer, n } = rows(x!);
    native.softmax(DTYPE_CODES[x!.dtype], false, addr(x!), addr(y!), outer, n);
  },
});
