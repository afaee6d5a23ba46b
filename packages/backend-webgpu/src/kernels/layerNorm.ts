import { defineKernel } from '@tessera/core';
import { gpu } from '../util/elementwise.js';
import { rowMain, rowThreads, rows, runRows, wgReduce } from '../util/rows.js';
import { UNIFORMS, f32bits, floatIo } from '../util/wgsl.js';

// Two passes (mean, then biased variance of x - mean): no cancellation for rows with a large mean.
const code = (w: boolean, b: boolean, h: boolean, wg: number): string => `${UNIFORMS}${floatIo(h,
  ['X', ...(w ? ['W'] : []), ...(b ? ['Bi'] : [])], ['Y'])}${wgReduce(wg)}
${rowMain(wg)}
  let n = pu(1u); let xb = pu(2u) + row * n; let yb = pu(3u) + row * n;
  var s = 0.0;
  for (var j = t; j < n; j += WG) { s += ldX(xb + j); }
  let mean = wg_sum(s, t) / f32(n);
  var q = 0.0;
  for (var j = t; j < n; j += WG) { let d = ldX(xb + j) - mean; q += d * d; }
  let rstd = 1.0 / sqrt(wg_sum(q, t) / f32(n) + pf(4u));
  for (var j = t; j < n; j += WG) {
    var v = (ldX(xb + j) - mean) * rstd;
    ${w ? 'v *= ldW(pu(5u) + j);' : ''} ${b ? 'v += ldBi(pu(6u) + j);' : ''}
    stY(yb + j, v);
  }
}`;

export default defineKernel('layerNorm', {
  dtypes: ['float32'],
  run: ({ backend, inputs, outputs: [y], attrs: { eps, hasWeight, hasBias } }) => {
    const x = inputs[0]!, { outer, n } = rows(x);
    const w = hasWeight ? inputs[1] : undefined, b = hasBias ? inputs[hasWeight ? 2 : 1] : undefined;
    const u = [n, x.offset, y!.offset, f32bits(eps), w?.offset ?? 0, b?.offset ?? 0];
    const ins = [x, ...(w ? [w] : []), ...(b ? [b] : [])].map(gpu);
    runRows(backend, code(hasWeight, hasBias, x.dtype === 'float16', rowThreads(n)), outer, ins, [gpu(y!)], u);
  },
});
