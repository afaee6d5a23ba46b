import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { FLOAT32, addr, numel } from '../util/ops.js';

// One fused step: param', m', v' from param, grad, m, v (float32).
export default defineKernel<'adamw', CudaBackend>('adamw', {
  dtypes: FLOAT32,
  run: ({ backend: { native }, inputs: [p, g, m, v], outputs: [p2, m2, v2], attrs: { lr, beta1, beta2, eps, weightDecay, step } }) => {
    const n = numel(p!.shape);
    if (n === 0) return;
    native.adamw(addr(p!), addr(g!), addr(m!), addr(v!), addr(p2!), addr(m2!), addr(v2!), n,
      lr, beta1, beta2, eps, weightDecay, 1 - beta1 ** step, 1 - beta2 ** step);
  },
});
