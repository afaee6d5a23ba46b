import { defineKernel, numel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32 } from '../util/ops.js';

export default defineKernel<'adamw', WasmBackend>('adamw', {
  dtypes: FLOAT32,
  run: ({ backend: { rt }, inputs: [p, g, m, v], outputs: [po, mo, vo], attrs: a }) => {
    const n = numel(p!.shape);
    const args = [rt.addr(p!), rt.addr(g!), rt.addr(m!), rt.addr(v!), po!.data as number, mo!.data as number, vo!.data as number,
      a.lr, a.beta1, a.beta2, a.eps, a.weightDecay, 1 - a.beta1 ** a.step, 1 - a.beta2 ** a.step];
    rt.parallel('adamw', args, n, 64, n * 2);
  },
});
