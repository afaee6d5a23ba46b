import type { KernelArgs } from '@tessera/core';
import type { WebGpuBackend } from '../webgpu-backend.js';
import { gpu } from './elementwise.js';
import { rowMain, rowThreads, rows, runRows, wgReduce } from './rows.js';
import { UNIFORMS, floatIo } from './wgsl.js';

/** Softmax / log-softmax over the last axis, one workgroup per row: max, sum of exp, write. */
const code = (log: boolean, h: boolean, wg: number): string => `${UNIFORMS}${floatIo(h, ['X'], ['Y'])}${wgReduce(wg)}
${rowMain(wg)}
  let n = pu(1u); let xb = pu(2u) + row * n; let yb = pu(3u) + row * n;
  var m = ninf_();
  for (var j = t; j < n; j += WG) { m = max(m, ldX(xb + j)); }
  m = wg_max(m, t);
  var s = 0.0;
  for (var j = t; j < n; j += WG) { s += exp(ldX(xb + j) - m); }
  s = wg_sum(s, t);
  ${log ? 'let lse = m + log(s);' : 'let inv = 1.0 / s;'}
  for (var j = t; j < n; j += WG) { stY(yb + j, ${log ? 'ldX(xb + j) - lse' : 'exp(ldX(xb + j) - m) * inv'}); }
}`;

const CODES = new Map<string, string>();

export function softmaxKernel(log: boolean) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- shared by the kernels of several ops (attributes differ per op)
  return ({ backend, inputs: [x], outputs: [y] }: KernelArgs<any, WebGpuBackend>): void => {
    const { outer, n } = rows(x!);
    const h = x!.dtype === 'float16', wg = rowThreads(n), key = `${+log}${+h}${wg}`;
    if (!CODES.has(key)) CODES.set(key, code(log, h, wg));
    runRows(backend, CODES.get(key)!, outer, [gpu(x!)], [gpu(y!)], [n, x!.offset, y!.offset]);
  };
}
