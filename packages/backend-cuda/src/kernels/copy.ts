import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { ALL_DTYPES, addr, coalesceForKernel, esize, numel } from '../util/ops.js';

// The output may be a strided window into a larger allocation (cat / pad / slice gradients).
export default defineKernel<'copy', CudaBackend>('copy', {
  dtypes: ALL_DTYPES,
  run: ({ backend: { native }, inputs: [x], outputs: [y] }) => {
    const c = coalesceForKernel('cuda copy', x!.shape, [x!.strides, y!.strides]);
    if (numel(c.shape) === 0) return;
    native.copy(esize(x!), addr(x!), addr(y!), c.shape, c.strides[0]!, c.strides[1]!);
  },
});
