import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { FLOATS_I32, runBinary } from '../util/ops.js';

// int32 add / sub / mul wrap modulo 2^32 (unsigned arithmetic in the kernel).
export default defineKernel<'sub', CudaBackend>('sub', { dtypes: FLOATS_I32, run: (args) => runBinary(args, 'sub') });
