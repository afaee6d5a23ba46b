/** sum / max / min / argmax over the last axis: per-thread strided partials, then a workgroup tree. */
import type { KernelArgs } from '@tessera/core';
import type { WebGpuBackend } from '../webgpu-backend.js';
import { gpu } from './elementwise.js';
import { ROW_MAIN, rows, runRows } from './rows.js';
import { CONVERSIONS, UNIFORMS, bindings } from './wgsl.js';

type Kind = 'sum' | 'max' | 'min' | 'argmax';

function source(kind: Kind, t: 'f32' | 'i32'): string {
  const isF = t === 'f32';
  const lowest = isF ? 'ninf_()' : 'i32(-2147483647 - 1)';
  const highest = isF ? 'inf_()' : '2147483647';
  const nan = (e: string) => (isF ? `is_nan(${e})` : 'false');
  // (value, index) pairs; combine(a, b) keeps the better one (NaN wins for max/min/argmax, then first index).
  const init = kind === 'sum' ? (isF ? '0.0' : '0') : kind === 'min' ? highest : lowest;
  const better = kind === 'min' ? '<' : '>';
  const combine = kind === 'sum'
    ? 'fn comb(av: T, ai: u32, bv: T, bi: u32) -> bool { return false; }'
    : `fn comb(av: T, ai: u32, bv: T, bi: u32) -> bool {
  if (bi == NONE) { return false; } if (ai == NONE) { return true; }
  if (${nan('av')}) { return ${nan('bv')} && bi < ai; } if (${nan('bv')}) { return true; }
  return bv ${better} av || (bv == av && bi < ai);
}`;
  const outT = kind === 'argmax' ? 'i32' : t;
  const emptyVal = kind === 'argmax' ? '0' : kind === 'sum' || !isF ? `${outT}(0)` : init;
  const step = kind === 'sum' ? 'sv[t] = sv[t] + sv[t + s];' : 'if (comb(sv[t], si[t], sv[t + s], si[t + s])) { sv[t] = sv[t + s]; si[t] = si[t + s]; }';
  const local = kind === 'sum' ? 'v += x;' : 'if (comb(v, vi, x, j)) { v = x; vi = j; }';
  const result = kind === 'argmax' ? 'i32(si[0])' : 'sv[0]';
  return `${UNIFORMS}${CONVERSIONS}${bindings([['X', t]], [['Y', outT]])}
alias T = ${t};
const NONE = 0xffffffffu;
var<workgroup> sv: array<T, 256>;
var<workgroup> si: array<u32, 256>;
${combine}
${ROW_MAIN}
  let n = pu(1u); let base = pu(2u) + row * n;
  if (n == 0u) { if (t == 0u) { Y[pu(3u) + row] = ${emptyVal}; } return; }
  var v: T = ${init}; var vi = NONE;
  for (var j = t; j < n; j += 256u) { let x = X[base + j]; ${local} }
  sv[t] = v; si[t] = vi; workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) { if (t < s) { ${step} } workgroupBarrier(); }
  if (t == 0u) { Y[pu(3u) + row] = ${result}; }
}`;
}

export function reduceKernel(kind: Kind) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- shared by the kernels of several ops (attributes differ per op)
  return ({ backend, inputs: [x], outputs: [y] }: KernelArgs<any, WebGpuBackend>): void => {
    const { outer, n } = rows(x!);
    const code = source(kind, x!.dtype === 'float32' ? 'f32' : 'i32');
    runRows(backend, code, outer, [gpu(x!)], [gpu(y!)], [n, x!.offset, y!.offset]);
  };
}
