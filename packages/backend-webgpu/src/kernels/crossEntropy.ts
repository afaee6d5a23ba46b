import { defineKernel } from '@tessera/core';
import { gpu } from '../util/elementwise.js';
import { ROW_MAIN, WG_REDUCE, rows, runRows } from '../util/rows.js';
import { UNIFORMS, bindings, f32bits } from '../util/wgsl.js';

// Per-row -(1 - s)·logp[t] - (s / c)·Σ logp; 0 for ignoreIndex, NaN for other out-of-range targets.
const CODE = `${UNIFORMS}${bindings([['X', 'f32'], ['T', 'i32']], [['L', 'f32']])}${WG_REDUCE}
${ROW_MAIN}
  let c = pu(1u); let xb = pu(2u) + row * c; let tg = T[pu(3u) + row];
  let s = pf(6u);
  if (tg == pi(5u)) { if (t == 0u) { L[pu(4u) + row] = 0.0; } return; }
  if (tg < 0 || u32(tg) >= c) { if (t == 0u) { L[pu(4u) + row] = nan_(); } return; }
  var m = ninf_(); var sx = 0.0;
  for (var j = t; j < c; j += 256u) { let v = X[xb + j]; m = max(m, v); sx += v; }
  m = wg_max(m, t); sx = wg_sum(sx, t);
  var se = 0.0;
  for (var j = t; j < c; j += 256u) { se += exp(X[xb + j] - m); }
  let lse = m + log(wg_sum(se, t));
  if (t == 0u) {
    let logpT = X[xb + u32(tg)] - lse; let sumLogp = sx - f32(c) * lse;
    L[pu(4u) + row] = -(1.0 - s) * logpT - (s / f32(c)) * sumLogp;
  }
}`;

export default defineKernel('crossEntropy', {
  dtypes: ['float32'],
  run: ({ backend, inputs: [logits, target], outputs: [loss], attrs: { ignoreIndex, labelSmoothing } }) => {
    const { outer, n: c } = rows(logits!);
    const u = [c, logits!.offset, target!.offset, loss!.offset, ignoreIndex >>> 0, f32bits(labelSmoothing)];
    runRows(backend, CODE, outer, [gpu(logits!), gpu(target!)], [gpu(loss!)], u);
  },
});
