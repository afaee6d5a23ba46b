import { defineKernel, rows } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32 } from '../util/ops.js';

export default defineKernel<'logSoftmax', WasmBackend>('logSoftmax', {
  dtypes: FLOAT32,
  run: ({ backend: { rt }, inputs: [x], outputs: [y] }) => {
    const { outer, n } = rows(x!);
    rt.parallel('softmax_rows', [rt.addr(x!), y!.data as number, n, 1], outer, 1, outer * n);
  },
});
