import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { DTYPE_CODES, FLOAT32, addr } from '../util/ops.js';

// Flash-style backward (float32; core casts f16 / bf16 around it): recomputes the probabilities tile
// by tile from per-query logsumexp, no [tq, tk] matrix in memory. q / k / v / mask / dout are strided
// views (the mask may broadcast, stride 0); dq / dk / dv are contiguous.
export default defineKernel<'attentionBackward', CudaBackend>('attentionBackward', {
  dtypes: FLOAT32,
  run: ({ backend: { native }, inputs, outputs: [dq, dk, dv], attrs: { scale, causal, hasMask } }) => {
    const [q, k, v] = inputs;
    const m = hasMask ? inputs[3]! : null;
    const dout = inputs[hasMask ? 4 : 3]!;
    const [B, tq, d] = q!.shape as [number, number, number];
    const [, tk, dvn] = v!.shape as [number, number, number];
    if (B === 0) return;
    const [qs, ks, vs, os] = [q!.strides, k!.strides, v!.strides, dout.strides];
    native.attentionBackward(B, tq, tk, d, dvn,
      addr(q!), qs[0]!, qs[1]!, qs[2]!, addr(k!), ks[0]!, ks[1]!, ks[2]!, addr(v!), vs[0]!, vs[1]!, vs[2]!,
      m ? addr(m) : 0, m ? DTYPE_CODES[m.dtype] : 0, m ? m.strides[0]! : 0, m ? m.strides[1]! : 0, m ? m.strides[2]! : 0,
      addr(dout), os[0]!, os[1]!, os[2]!, addr(dq!), addr(dk!), addr(dv!), scale, causal);
  },
});
