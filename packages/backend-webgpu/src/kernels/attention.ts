import { defineKernel } from '@tessera/core';
import { gpu } from '../util/elementwise.js';
import { ROW_MAIN, WG_REDUCE, runRows } from '../util/rows.js';
import { UNIFORMS, bindings, f32bits } from '../util/wgsl.js';

/**
 * One workgroup per (batch, query row): scores into a scratch row (global memory, any tk), a
 * workgroup max and sum, then each thread accumulates output columns. Causal aligns bottom-right;
 * a row that sees no key gives zeros. q, k, v may be strided (strides in uniforms).
 */
const code = (mask: boolean): string => `${UNIFORMS}${bindings(
  [['Q', 'f32'], ['K', 'f32'], ['V', 'f32'], ...(mask ? [['Mk', 'f32']] : [])] as [string, 'f32'][], [['O', 'f32'], ['S', 'f32']])}${WG_REDUCE}
fn st3(base: u32, i0: u32, i1: u32, i2: u32, s: u32) -> u32 { return u32(pi(base) + i32(i0) * pi(s) + i32(i1) * pi(s + 1u) + i32(i2) * pi(s + 2u)); }
${ROW_MAIN}
  let tq = pu(1u); let tk = pu(2u); let d = pu(3u); let dv = pu(4u);
  let b = row / tq; let i = row % tq;
  var seen = tk;
  if (pu(6u) == 1u) { seen = min(tk, i + tk - tq + 1u); if (i + tk < tq) { seen = 0u; } }
  let sb = row * tk;
  let ninf = ninf_();
  var m = ninf;
  for (var j = t; j < seen; j += 256u) {
    var dot = 0.0;
    for (var e = 0u; e < d; e++) { dot += Q[st3(8u, b, i, e, 9u)] * K[st3(12u, b, j, e, 13u)]; }
    var z = dot * pf(5u);
    ${mask ? 'z += Mk[st3(20u, b, i, j, 21u)];' : ''}
    S[sb + j] = z; m = max(m, z);
  }
  m = wg_max(m, t);
  storageBarrier();
  let ob = row * dv;
  if (m == ninf) { for (var e = t; e < dv; e += 256u) { O[ob + e] = 0.0; } return; }
  var s = 0.0;
  for (var j = t; j < seen; j += 256u) { let p = exp(S[sb + j] - m); S[sb + j] = p; s += p; }
  s = wg_sum(s, t);
  storageBarrier();
  let inv = 1.0 / s;
  for (var e = t; e < dv; e += 256u) {
    var acc = 0.0;
    for (var j = 0u; j < seen; j++) { acc += S[sb + j] * V[st3(16u, b, j, e, 17u)]; }
    O[ob + e] = acc * inv;
  }
}`;

const CODES = [code(false), code(true)];

export default defineKernel('attention', {
  dtypes: ['float32'],
  run: ({ backend, inputs: [q, k, v, mask], outputs: [o], attrs: { scale, causal, hasMask } }) => {
    const [B, tq, d] = q!.shape as [number, number, number];
    const tk = k!.shape[1]!, dv = v!.shape[2]!;
    const rowsN = B * tq;
    if (rowsN === 0 || dv === 0) return;
    const scratch = backend.runtime.alloc(Math.max(4, rowsN * tk * 4));
    const u = new Array<number>(24).fill(0);
    [tq, tk, d, dv, f32bits(scale), causal ? 1 : 0].forEach((x, i) => (u[i] = x));
    const put = (at: number, t: typeof q) => { u[at] = t!.offset; t!.strides.forEach((s, i) => (u[at + 1 + i] = s >>> 0)); };
    put(7, q); put(11, k); put(15, v);
    if (hasMask) put(19, mask);
    const ins = [q!, k!, v!, ...(hasMask ? [mask!] : [])].map(gpu);
    runRows(backend, CODES[+hasMask]!, rowsN, ins, [gpu(o!), scratch], u);
    backend.runtime.free(scratch);
  },
});
