import { defineKernel } from '@tessera/core';
import { gpu } from '../util/elementwise.js';
import { rowMain, rowThreads, rows, runRows, wgReduce } from '../util/rows.js';
import { UNIFORMS, bindings, f32bits } from '../util/wgsl.js';

const code = (w: boolean, wg: number): string => `${UNIFORMS}${bindings([['X', 'f32'], ...(w ? [['W', 'f32']] : [])] as [string, 'f32'][], [['Y', 'f32']])}${wgReduce(wg)}
${rowMain(wg)}
  let n = pu(1u); let xb = pu(2u) + row * n; let yb = pu(3u) + row * n;
  var q = 0.0;
  for (var j = t; j < n; j += WG) { let v = X[xb + j]; q += v * v; }
  let r = 1.0 / sqrt(wg_sum(q, t) / f32(n) + pf(4u));
  for (var j = t; j < n; j += WG) { Y[yb + j] = X[xb + j] * r${w ? ' * W[pu(5u) + j]' : ''}; }
}`;

export default defineKernel('rmsNorm', {
  dtypes: ['float32'],
  run: ({ backend, inputs: [x, w], outputs: [y], attrs: { eps, hasWeight } }) => {
    const { outer, n } = rows(x!);
    const ins = hasWeight ? [gpu(x!), gpu(w!)] : [gpu(x!)];
    runRows(backend, code(hasWeight, rowThreads(n)), outer, ins, [gpu(y!)], [n, x!.offset, y!.offset, f32bits(eps), hasWeight ? w!.offset : 0]);
  },
});
