import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { F32_I32, runBinary } from '../util/ops.js';

// NaN propagates; -0 < +0.
export default defineKernel<'minimum', WasmBackend>('minimum', { dtypes: F32_I32, run: (args) => runBinary(args, 'minimum') });
