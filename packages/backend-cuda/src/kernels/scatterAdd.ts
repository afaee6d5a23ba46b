import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { DTYPE_CODES, F32_I32, addr } from '../util/ops.js';

// One thread per (outer, inner) column walks the indices in order: deterministic, no atomics.
export default defineKernel<'scatterAdd', CudaBackend>('scatterAdd', {
  dtypes: F32_I32,
  run: ({ backend: { native }, inputs: [base, index, src], outputs: [y] }) => {
    const [outer, d, inner] = base!.shape as [number, number, number];
    native.scatterAdd(DTYPE_CODES[base!.dtype], addr(base!), addr(index!), addr(src!), addr(y!), outer, d, inner, index!.shape[1]!);
  },
});
