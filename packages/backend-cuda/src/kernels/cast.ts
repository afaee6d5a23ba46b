import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { ALL_DTYPES, DTYPE_CODES, addr, coalesceForKernel, numel } from '../util/ops.js';

// f16 / bf16 round to nearest even; float -> int truncates then wraps; -> bool is x != 0.
export default defineKernel<'cast', CudaBackend>('cast', {
  dtypes: ALL_DTYPES,
  run: ({ backend: { native }, inputs: [x], outputs: [y] }) => {
    const c = coalesceForKernel('cuda cast', x!.shape, [x!.strides, y!.strides]);
    if (numel(c.shape) === 0) return;
    native.cast(DTYPE_CODES[x!.dtype], DTYPE_CODES[y!.dtype], addr(x!), addr(y!), c.shape, c.strides[0]!, c.strides[1]!);
  },
});
