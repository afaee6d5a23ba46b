import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { F32_I32, runReduce } from '../util/ops.js';

export default defineKernel<'min', WasmBackend>('min', { dtypes: F32_I32, run: (args) => runReduce(args, 'min') });
