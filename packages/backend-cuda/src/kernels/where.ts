import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { ALL_DTYPES, addr, coalesceForKernel, esize, numel } from '../util/ops.js';

// Moves raw element bits, so every dtype works; cond is bool (1 byte) or int32 after a core cast.
export default defineKernel<'where', CudaBackend>('where', {
  dtypes: ALL_DTYPES,
  run: ({ backend: { native }, inputs: [cond, a, b], outputs: [y] }) => {
    const c = coalesceForKernel('cuda where', y!.shape, [cond!.strides, a!.strides, b!.strides]);
    if (numel(c.shape) === 0) return;
    native.where(esize(cond!), esize(a!), addr(cond!), addr(a!), addr(b!), addr(y!), c.shape, c.strides[0]!, c.strides[1]!, c.strides[2]!);
  },
});
