import { defineKernel, rows } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32 } from '../util/ops.js';

export default defineKernel<'softmax', WasmBackend>('softmax', {
  dtypes: FLOAT32,
  run: ({ backend: { rt }, inputs: [x], outputs: [y] }) => {
    const { outer, n } = rows(x!);
    rt.parallel('softmax_rows', [rt.addr(x!), y!.data as number, n, 0], outer, 1, outer * n);
  },
});
