import type { KernelArgs } from '@tessera/core';
import type { WebGpuBackend } from '../webgpu-backend.js';
import { gpu } from './elementwise.js';
import { ROW_MAIN, WG_REDUCE, rows, runRows } from './rows.js';
import { UNIFORMS, floatIo } from './wgsl.js';

/** Softmax / log-softmax over the last axis, one workgroup per row: max, sum of exp, write. */
const code = (log: boolean, h: boolean): string => `${UNIFORMS}${floatIo(h, ['X'], ['Y'])}${WG_REDUCE}
${ROW_MAIN}
  let n = pu(1u); let xb = pu(2u) + row * n; let yb = pu(3u) + row * n;
  var m = ninf_();
  for (var j = t; j < n; j += 256u) { m = max(m, ldX(xb + j)); }
  m = wg_max(m, t);
  var s = 0.0;
  for (var j = t; j < n; j += 256u) { s += exp(ldX(xb + j) - m); }
  s = wg_sum(s, t);
  ${log ? 'let lse = m + log(s);' : 'let inv = 1.0 / s;'}
  for (var j = t; j < n; j += 256u) { stY(yb + j, ${log ? 'ldX(xb + j) - lse' : 'exp(ldX(xb + j) - m) * inv'}); }
}`;

const CODES = [code(false, false), code(true, false), code(false, true), code(true, true)];

export function softmaxKernel(log: boolean) {
  return ({ backend, inputs: [x], outputs: [y] }: KernelArgs<any, WebGpuBackend>): void => {
    const { outer, n } = rows(x!);
    runRows(backend, CODES[+log + 2 * +(x!.dtype === 'float16')]!, outer, [gpu(x!)], [gpu(y!)], [n, x!.offset, y!.offset]);
  };
}
