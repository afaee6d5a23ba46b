import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { ALL_DTYPES, addr, esize } from '../util/ops.js';

export default defineKernel<'gather', CudaBackend>('gather', {
  dtypes: ALL_DTYPES,
  run: ({ backend: { native }, inputs: [x, index], outputs: [y] }) => {
    const [outer, d, inner] = x!.shape as [number, number, number];
    native.gather(esize(x!), addr(x!), addr(index!), addr(y!), outer, d, inner, index!.shape[1]!);
  },
});
