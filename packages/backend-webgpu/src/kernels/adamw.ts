import { defineKernel } from '@tessera/core';
import { gpu } from '../util/elementwise.js';
import { LINEAR_ID, MAIN_256, UNIFORMS, bindings, f32bits, grid } from '../util/wgsl.js';

// One fused AdamW step; bias corrections are computed once on the host in float64.
const CODE = `${UNIFORMS}${bindings([['Pm', 'f32'], ['G', 'f32'], ['Mm', 'f32'], ['Vv', 'f32']], [['P2', 'f32'], ['M2', 'f32'], ['V2', 'f32']])}
${MAIN_256} {
  ${LINEAR_ID}
  if (gi >= pu(0u)) { return; }
  let lr = pf(8u); let b1 = pf(9u); let b2 = pf(10u); let eps = pf(11u); let wd = pf(12u); let c1 = pf(13u); let c2 = pf(14u);
  let p = Pm[pu(1u) + gi]; let gr = G[pu(2u) + gi];
  let m = b1 * Mm[pu(3u) + gi] + (1.0 - b1) * gr;
  let v = b2 * Vv[pu(4u) + gi] + (1.0 - b2) * gr * gr;
  P2[gi] = p - lr * (wd * p + (m / c1) / (sqrt(v / c2) + eps));
  M2[gi] = m; V2[gi] = v;
}`;

export default defineKernel('adamw', {
  dtypes: ['float32'],
  run: ({ backend, inputs: [p, g, m, v], outputs: [p2, m2, v2], attrs: { lr, beta1, beta2, eps, weightDecay, step } }) => {
    const n = p!.shape.reduce((a, s) => a * s, 1);
    if (n === 0) return;
    const u = [n, p!.offset, g!.offset, m!.offset, v!.offset, 0, 0, 0,
      ...[lr, beta1, beta2, eps, weightDecay, 1 - beta1 ** step, 1 - beta2 ** step].map(f32bits)];
    backend.runtime.run({
      code: CODE, inputs: [p!, g!, m!, v!].map(gpu), outputs: [p2!, m2!, v2!].map(gpu), uniforms: u, groups: grid(n),
    });
  },
});
