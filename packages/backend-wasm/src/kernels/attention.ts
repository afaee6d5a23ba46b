import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { FLOAT32 } from '../util/ops.js';

// q / k / v / mask may be strided views (the mask often broadcasts with stride 0).
export default defineKernel<'attention', WasmBackend>('attention', {
  dtypes: FLOAT32,
  run: ({ backend: { rt }, inputs: [q, k, v, mask], outputs: [o], attrs: { scale, causal, hasMask } }) => {
    const [B, tq, d] = q!.shape as [number, number, number];
    const [, tk, dv] = v!.shape as [number, number, number];
    if (B * tq * dv === 0) return;
    const m = hasMask ? mask! : null;
    const st = rt.ints([...q!.strides, ...k!.strides, ...v!.strides, ...(m ? m.strides : [0, 0, 0])]);
    const [scratch, stride] = rt.threadScratch(Math.max(tk, 1) * 4);
    const args = [rt.addr(q!), rt.addr(k!), rt.addr(v!), m ? rt.addr(m) : 0, o!.data as number, tq, tk, d, dv, st, scale, causal ? 1 : 0, scratch, stride];
    rt.parallel('attention', args, B * tq, 1, B * tq * tk * (d + dv));
  },
});
