import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { FLOATS_I32, runUnary } from '../util/ops.js';

export default defineKernel<'abs', CudaBackend>('abs', { dtypes: FLOATS_I32, run: (args) => runUnary(args, 'abs') });
