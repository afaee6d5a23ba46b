import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { F32_I32, runUnary } from '../util/ops.js';

export default defineKernel<'neg', WasmBackend>('neg', { dtypes: F32_I32, run: (args) => runUnary(args, 'neg') });
