import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32, runBinary } from '../util/ops.js';

export default defineKernel<'div', WasmBackend>('div', { dtypes: FLOAT32, run: (args) => runBinary(args, 'div') });
