import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32, rows } from '../util/ops.js';

export default defineKernel<'crossEntropy', WasmBackend>('crossEntropy', {
  dtypes: FLOAT32,
  run: ({ backend: { rt }, inputs: [logits, target], outputs: [loss], attrs: { ignoreIndex, labelSmoothing } }) => {
    const [n, c] = rows(logits!);
    rt.parallel('cross_entropy', [rt.addr(logits!), rt.addr(target!), loss!.data as number, c, ignoreIndex, labelSmoothing], n, 1, n * c);
  },
});
