import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { FLOATS, runBinary } from '../util/ops.js';

export default defineKernel<'pow', CudaBackend>('pow', { dtypes: FLOATS, run: (args) => runBinary(args, 'pow') });
