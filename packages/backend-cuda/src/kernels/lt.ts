import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { FLOATS_I32, runBinary } from '../util/ops.js';

// Output is bool (uint8) whatever the input dtype.
export default defineKernel<'lt', CudaBackend>('lt', { dtypes: FLOATS_I32, run: (args) => runBinary(args, 'lt') });
