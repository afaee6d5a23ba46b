import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { F32_I32, runBinary } from '../util/ops.js';

// int32 wraps modulo 2^32 in C (unsigned arithmetic).
export default defineKernel<'add', WasmBackend>('add', { dtypes: F32_I32, run: (args) => runBinary(args, 'add') });
