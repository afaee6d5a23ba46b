import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32, runUnary } from '../util/ops.js';

export default defineKernel<'sigmoid', WasmBackend>('sigmoid', { dtypes: FLOAT32, run: (args) => runUnary(args, 'sigmoid') });
