import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32 } from '../util/ops.js';

// Threads split the batch (B * heads): each owns its dK / dV rows. Inputs may be strided views.
export default defineKernel<'attentionBackward', WasmBackend>('attentionBackward', {
  dtypes: FLOAT32,
  run: ({ backend: { rt }, inputs, outputs: [dq, dk, dv], attrs: { scale, causal, hasMask } }) => {
    const [q, k, v] = inputs;
    const m = hasMask ? inputs[3]! : null;
    const g = inputs[hasMask ? 4 : 3]!;
    const [B, tq, d] = q!.shape as [number, number, number];
    const [, tk, nv] = v!.shape as [number, number, number];
    if (B === 0) return;
    const st = rt.ints([...q!.strides, ...k!.strides, ...v!.strides, ...(m ? m.strides : [0, 0, 0]), ...g.strides]);
    const [scratch, stride] = rt.threadScratch(Math.max(tk, 1) * 8);
    const args = [
      rt.addr(q!), rt.addr(k!), rt.addr(v!), m ? rt.addr(m) : 0, rt.addr(g), rt.addr(dq!), rt.addr(dk!), rt.addr(dv!),
      tq, tk, d, nv, st, scale, causal ? 1 : 0, scratch, stride,
    ];
    rt.parallel('attention_backward', args, B, 1, B * tq * tk * 2 * (d + nv));
  },
});
