import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32, runUnary } from '../util/ops.js';

export default defineKernel<'erf', WasmBackend>('erf', { dtypes: FLOAT32, run: (args) => runUnary(args, 'erf') });
