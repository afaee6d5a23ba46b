import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { FLOATS_I32, runBinary } from '../util/ops.js';

// NaN propagates.
export default defineKernel<'minimum', CudaBackend>('minimum', { dtypes: FLOATS_I32, run: (args) => runBinary(args, 'minimum') });
