import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { ALL_DTYPES, esize } from '../util/ops.js';

export default defineKernel<'gather', WasmBackend>('gather', {
  dtypes: ALL_DTYPES,
  run: ({ backend: { rt }, inputs: [x, index], outputs: [y] }) => {
    const [outer, d, inner] = x!.shape as [number, number, number];
    rt.exports.gather(esize(x!), rt.addr(x!), rt.addr(index!), y!.data, outer, d, inner, index!.shape[1]);
  },
});
