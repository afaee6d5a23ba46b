import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { FLOATS, runUnary } from '../util/ops.js';

export default defineKernel<'sin', CudaBackend>('sin', { dtypes: FLOATS, run: (args) => runUnary(args, 'sin') });
