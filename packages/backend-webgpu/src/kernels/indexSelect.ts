import { defineKernel } from '@tessera/core';
import { gpu } from '../util/elementwise.js';
import { LINEAR_ID, MAIN_256, UNIFORMS, bindings, grid } from '../util/wgsl.js';

// Raw 32-bit moves (bit-exact for every 32-bit dtype); a bad index reads 0 instead of out of bounds.
const CODE = `${UNIFORMS}${bindings([['X', 'u32'], ['I', 'i32']], [['Y', 'u32']])}
${MAIN_256} {
  ${LINEAR_ID}
  if (gi >= pu(0u)) { return; }
  let d = pu(1u); let n = pu(2u); let inner = pu(3u);
  let i = gi % inner; let j = (gi / inner) % n; let o = gi / (inner * n);
  let idx = I[pu(5u) + j];
  var v = 0u;
  if (idx >= 0 && u32(idx) < d) { v = X[pu(4u) + (o * d + u32(idx)) * inner + i]; }
  Y[pu(6u) + gi] = v;
}`;

export default defineKernel('indexSelect', {
  dtypes: ['float32', 'int32'],
  run: ({ backend, inputs: [x, index], outputs: [y] }) => {
    const [outer, d, inner] = x!.shape as [number, number, number];
    const n = index!.shape[0]!, total = outer * n * inner;
    if (total === 0) return;
    backend.runtime.run({
      code: CODE, inputs: [gpu(x!), gpu(index!)], outputs: [gpu(y!)],
      uniforms: [total, d, n, inner, x!.offset, index!.offset, y!.offset], groups: grid(total),
    });
  },
});
