import type { KernelArgs } from '@tessera/core';
import type { WebGpuBackend } from '../webgpu-backend.js';
import { gpu } from './elementwise.js';
import { ROW_MAIN, WG_REDUCE, rows, runRows } from './rows.js';
import { UNIFORMS, bindings } from './wgsl.js';

/** Softmax / log-softmax over the last axis, one workgroup per row: max, sum of exp, write. */
const code = (log: boolean): string => `${UNIFORMS}${bindings([['X', 'f32']], [['Y', 'f32']])}${WG_REDUCE}
${ROW_MAIN}
  let n = pu(1u); let xb = pu(2u) + row * n; let yb = pu(3u) + row * n;
  var m = ninf_();
  for (var j = t; j < n; j += 256u) { m = max(m, X[xb + j]); }
  m = wg_max(m, t);
  var s = 0.0;
  for (var j = t; j < n; j += 256u) { s += exp(X[xb + j] - m); }
  s = wg_sum(s, t);
  ${log ? 'let lse = m + log(s);' : 'let inv = 1.0 / s;'}
  for (var j = t; j < n; j += 256u) { Y[yb + j] = ${log ? 'X[xb + j] - lse' : 'exp(X[xb + j] - m) * inv'}; }
}`;

const CODES = [code(false), code(true)];

export function softmaxKernel(log: boolean) {
  return ({ backend, inputs: [x], outputs: [y] }: KernelArgs<any, WebGpuBackend>): void => {
    const { outer, n } = rows(x!);
    runRows(backend, CODES[+log]!, outer, [gpu(x!)], [gpu(y!)], [n, x!.offset, y!.offset]);
  };
}
