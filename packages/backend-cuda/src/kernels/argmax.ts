import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { FLOATS_I32, runReduce } from '../util/ops.js';

// Last axis of a contiguous [outer, n]; f32 accumulation for 16-bit floats.
export default defineKernel<'argmax', CudaBackend>('argmax', { dtypes: FLOATS_I32, run: (args) => runReduce(args, 'argmax') });
