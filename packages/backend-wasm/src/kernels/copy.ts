import { coalesceForKernel, defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { ALL_DTYPES, esize } from '../util/ops.js';

// The output may be a strided window into a larger allocation (cat / pad / slice gradients).
export default defineKernel<'copy', WasmBackend>('copy', {
  dtypes: ALL_DTYPES,
  run: ({ backend: { rt }, inputs: [x], outputs: [y] }) => {
    const c = coalesceForKernel('wasm copy', x!.shape, [x!.strides, y!.strides]);
    const desc = rt.writeDesc(c.shape, c.strides);
    rt.exports.copy(esize(x!), x!.data, x!.offset, y!.data, y!.offset, desc);
  },
});
