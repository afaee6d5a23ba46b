import { defineKernel, numel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32 } from '../util/ops.js';

export default defineKernel<'gelu', WasmBackend>('gelu', {
  dtypes: FLOAT32,
  run: ({ backend: { rt }, inputs: [x], outputs: [y], attrs: { approximate } }) => {
    const n = numel(x!.shape);
    rt.parallel('gelu', [rt.addr(x!), y!.data as number, approximate === 'tanh' ? 1 : 0], n, 64, n * 4);
  },
});
