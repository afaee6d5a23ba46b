import { coalesceForKernel, defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { ALL_DTYPES, esize } from '../util/ops.js';

// Selection moves bits, so every dtype runs natively by element size.
export default defineKernel<'where', WasmBackend>('where', {
  dtypes: ALL_DTYPES,
  run: ({ backend: { rt }, inputs: [c, a, b], outputs: [y] }) => {
    const co = coalesceForKernel('wasm where', y!.shape, [c!.strides, a!.strides, b!.strides]);
    const desc = rt.writeDesc(co.shape, co.strides);
    rt.exports.where_(esize(y!), c!.data, c!.offset, a!.data, a!.offset, b!.data, b!.offset, y!.data, desc);
  },
});
