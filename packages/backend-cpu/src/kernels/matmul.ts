import { defineKernel } from '@tessera/core';
import type { CpuBackend } from '../cpu-backend.js';
import { FLOAT32 } from '../util/arrays.js';

// transA / transB need no branch: the engine packs from any row / column strides.
export default defineKernel<'matmul', CpuBackend>('matmul', {
  dtypes: FLOAT32,
  run: ({ backend, inputs: [a, b], outputs: [c] }) => backend.matmul.run(a, b, c),
});
