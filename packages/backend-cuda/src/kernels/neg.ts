import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { FLOATS_I32, runUnary } from '../util/ops.js';

export default defineKernel<'neg', CudaBackend>('neg', { dtypes: FLOATS_I32, run: (args) => runUnary(args, 'neg') });
