import { defineKernel } from '@tessera/core';
import { FLOAT32, f32, sizeOf } from '../util/arrays.js';

/** One AdamW step (decoupled weight decay, bias-corrected moments), as torch.optim.AdamW. */
export default defineKernel('adamw', {
  dtypes: FLOAT32,
  run: ({ inputs: [p, g, m, v], outputs: [p2, m2, v2], attrs: { lr, beta1, beta2, eps, weightDecay, step } }) => {
    const P = f32(p), G = f32(g), M = f32(m), V = f32(v), P2 = f32(p2), M2 = f32(m2), V2 = f32(v2);
    const bc1 = 1 - beta1 ** step, bc2 = 1 - beta2 ** step;
    for (let i = 0, n = sizeOf(p.shape); i < n; i++) {
      const gi = G[g.offset + i], pi = P[p.offset + i];
      // The stored (float32) moments feed the update, as in PyTorch's in-place float32 moments.
      const mi = Math.fround(beta1 * M[m.offset + i] + (1 - beta1) * gi);
      const vi = Math.fround(beta2 * V[v.offset + i] + (1 - beta2) * gi * gi);
      M2[m2.offset + i] = mi;
      V2[v2.offset + i] = vi;
      P2[p2.offset + i] = pi - lr * (weightDecay * pi + mi / bc1 / (Math.sqrt(vi / bc2) + eps));
    }
  },
});
