import { defineKernel, rows } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32 } from '../util/ops.js';

// The layer-norm kernel with the mean fixed at 0 and no bias.
export default defineKernel<'rmsNorm', WasmBackend>('rmsNorm', {
  dtypes: FLOAT32,
  run: ({ backend: { rt }, inputs: [x, w], outputs: [y], attrs: { eps, hasWeight } }) => {
    const { outer, n } = rows(x!);
    rt.parallel('layernorm_rows', [rt.addr(x!), hasWeight ? rt.addr(w!) : 0, 0, y!.data as number, n, eps, 1], outer, 1, outer * n);
  },
});
