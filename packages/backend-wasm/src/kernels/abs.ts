import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { F32_I32, runUnary } from '../util/ops.js';

export default defineKernel<'abs', WasmBackend>('abs', { dtypes: F32_I32, run: (args) => runUnary(args, 'abs') });
