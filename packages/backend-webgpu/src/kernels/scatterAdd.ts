import { defineKernel } from '@tessera/core';
import { gpu } from '../util/elementwise.js';
import { LINEAR_ID, MAIN_256, UNIFORMS, bindings, grid } from '../util/wgsl.js';

/**
 * One thread per output element sums the sources aimed at it, in source order: no float atomics
 * (WGSL has none), deterministic, and bit-identical to a sequential scatter. O(d·n) per column,
 * fine for embedding gradients at the sizes this backend meets.
 */
const code = (t: 'f32' | 'i32'): string => `${UNIFORMS}${bindings([['X', t], ['I', 'i32'], ['S', t]], [['Y', t]])}
${MAIN_256} {
  ${LINEAR_ID}
  if (gi >= pu(0u)) { return; }
  let d = pu(1u); let n = pu(2u); let inner = pu(3u);
  let i = gi % inner; let r = (gi / inner) % d; let o = gi / (inner * d);
  var v = X[pu(4u) + gi];
  for (var j = 0u; j < n; j++) {
    let e = (o * n + j) * inner + i;
    if (I[pu(5u) + e] == i32(r)) { v += S[pu(6u) + e]; }
  }
  Y[pu(7u) + gi] = v;
}`;

export default defineKernel('scatterAdd', {
  dtypes: ['float32', 'int32'],
  run: ({ backend, inputs: [base, index, src], outputs: [y] }) => {
    const [outer, d, inner] = base!.shape as [number, number, number];
    const n = index!.shape[1]!, total = outer * d * inner;
    if (total === 0) return;
    backend.runtime.run({
      code: code(base!.dtype === 'float32' ? 'f32' : 'i32'), inputs: [gpu(base!), gpu(index!), gpu(src!)], outputs: [gpu(y!)],
      uniforms: [total, d, n, inner, base!.offset, index!.offset, src!.offset, y!.offset], groups: grid(total),
    });
  },
});
