import { defineKernel } from '@tessera/core';
import { gpu } from '../util/elementwise.js';
import { ROW_MAIN, WG_REDUCE, rows, runRows } from '../util/rows.js';
import { UNIFORMS, bindings, f32bits } from '../util/wgsl.js';

// Two passes (mean, then biased variance of x - mean): no cancellation for rows with a large mean.
const code = (w: boolean, b: boolean): string => `${UNIFORMS}${bindings(
  [['X', 'f32'], ...(w ? [['W', 'f32']] : []), ...(b ? [['Bi', 'f32']] : [])] as [string, 'f32'][], [['Y', 'f32']])}${WG_REDUCE}
${ROW_MAIN}
  let n = pu(1u); let xb = pu(2u) + row * n; let yb = pu(3u) + row * n;
  var s = 0.0;
  for (var j = t; j < n; j += 256u) { s += X[xb + j]; }
  let mean = wg_sum(s, t) / f32(n);
  var q = 0.0;
  for (var j = t; j < n; j += 256u) { let d = X[xb + j] - mean; q += d * d; }
  let rstd = 1.0 / sqrt(wg_sum(q, t) / f32(n) + pf(4u));
  for (var j = t; j < n; j += 256u) {
    var v = (X[xb + j] - mean) * rstd;
    ${w ? 'v *= W[pu(5u) + j];' : ''} ${b ? 'v += Bi[pu(6u) + j];' : ''}
    Y[yb + j] = v;
  }
}`;

export default defineKernel('layerNorm', {
  dtypes: ['float32'],
  run: ({ backend, inputs, outputs: [y], attrs: { eps, hasWeight, hasBias } }) => {
    const x = inputs[0]!, { outer, n } = rows(x);
    const w = hasWeight ? inputs[1] : undefined, b = hasBias ? inputs[hasWeight ? 2 : 1] : undefined;
    const u = [n, x.offset, y!.offset, f32bits(eps), w?.offset ?? 0, b?.offset ?? 0];
    const ins = [x, ...(w ? [w] : []), ...(b ? [b] : [])].map(gpu);
    runRows(backend, code(hasWeight, hasBias), outer, ins, [gpu(y!)], u);
  },
});
