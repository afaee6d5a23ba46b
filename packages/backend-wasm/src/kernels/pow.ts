import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32, runBinary } from '../util/ops.js';

export default defineKernel<'pow', WasmBackend>('pow', { dtypes: FLOAT32, run: (args) => runBinary(args, 'pow') });
