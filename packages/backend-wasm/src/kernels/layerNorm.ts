import { defineKernel, rows } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32 } from '../util/ops.js';

export default defineKernel<'layerNorm', WasmBackend>('layerNorm', {
  dtypes: FLOAT32,
  run: ({ backend: { rt }, inputs, outputs: [y], attrs: { eps, hasWeight, hasBias } }) => {
    const [x] = inputs;
    const { outer, n } = rows(x!);
    const w = hasWeight ? rt.addr(inputs[1]!) : 0;
    const b = hasBias ? rt.addr(inputs[hasWeight ? 2 : 1]!) : 0;
    rt.parallel('layernorm_rows', [rt.addr(x!), w, b, y!.data as number, n, eps, 0], outer, 1, outer * n);
  },
});
