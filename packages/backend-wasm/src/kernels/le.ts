import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { F32_I32, runBinary } from '../util/ops.js';

export default defineKernel<'le', WasmBackend>('le', { dtypes: F32_I32, run: (args) => runBinary(args, 'le') });
