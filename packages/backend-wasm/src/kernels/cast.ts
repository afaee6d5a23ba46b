import { DTYPE_CODES, coalesceForKernel, defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { ALL_DTYPES } from '../util/ops.js';

// f16 / bf16 round to nearest even; float -> int truncates then wraps; -> bool is x != 0.
export default defineKernel<'cast', WasmBackend>('cast', {
  dtypes: ALL_DTYPES,
  run: ({ backend: { rt }, inputs: [x], outputs: [y] }) => {
    const c = coalesceForKernel('wasm cast', x!.shape, [x!.strides, y!.strides]);
    const desc = rt.writeDesc(c.shape, c.strides);
    rt.exports.cast(DTYPE_CODES[x!.dtype], x!.data, x!.offset, DTYPE_CODES[y!.dtype], y!.data, y!.offset, desc);
  },
});
