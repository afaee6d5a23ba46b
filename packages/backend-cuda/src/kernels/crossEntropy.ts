import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { DTYPE_CODES, FLOATS, addr } from '../util/ops.js';

// Per-row loss (float32) with label smoothing; 0 on rows whose target is ignoreIndex.
export default defineKernel<'crossEntropy', CudaBackend>('crossEntropy', {
  dtypes: FLOATS,
  run: ({ backend: { native }, inputs: [logits, target], outputs: [loss], attrs: { ignoreIndex, labelSmoothing } }) => {
    const [n, c] = logits!.shape as [number, number];
    if (n === 0) return;
    native.crossEntropy(DTYPE_CODES[logits!.dtype], addr(logits!), addr(target!), addr(loss!), n, c, ignoreIndex, labelSmoothing);
  },
});
