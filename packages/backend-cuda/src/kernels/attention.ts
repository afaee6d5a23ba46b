import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { DTYPE_CODES, FLOATS, addr } from '../util/ops.js';

// Flash-style forward (tiled keys, online softmax; no [tq, tk] matrix in memory). q / k / v / mask
// are strided views; the mask may broadcast (stride 0).
export default defineKernel<'attention', CudaBackend>('attention', {
  dtypes: FLOATS,
  run: ({ backend: { native }, inputs: [q, k, v, mask], outputs: [o], attrs: { scale, causal, hasMask } }) => {
    const [B, tq, d] = q!.shape as [number, number, number];
    const [, tk, dv] = v!.shape as [number, number, number];
    if (B * tq * dv === 0) return;
    const m = hasMask ? mask! : null;
    const [qs, ks, vs] = [q!.strides, k!.strides, v!.strides];
    native.attention(DTYPE_CODES[q!.dtype], B, tq, tk, d, dv,
      addr(q!), qs[0]!, qs[1]!, qs[2]!, addr(k!), ks[0]!, ks[1]!, ks[2]!, addr(v!), vs[0]!, vs[1]!, vs[2]!,
      m ? addr(m) : 0, m ? DTYPE_CODES[m.dtype] : 0, m ? m.strides[0]! : 0, m ? m.strides[1]! : 0, m ? m.strides[2]! : 0,
      addr(o!), scale, causal);
  },
});
