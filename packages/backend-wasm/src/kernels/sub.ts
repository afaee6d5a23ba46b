import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { F32_I32, runBinary } from '../util/ops.js';

// int32 wraps modulo 2^32 in C (unsigned arithmetic).
export default defineKernel<'sub', WasmBackend>('sub', { dtypes: F32_I32, run: (args) => runBinary(args, 'sub') });
