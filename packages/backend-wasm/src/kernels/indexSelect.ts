import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { ALL_DTYPES, esize } from '../util/ops.js';

// Rows are moved as bytes, so every dtype runs natively.
export default defineKernel<'indexSelect', WasmBackend>('indexSelect', {
  dtypes: ALL_DTYPES,
  run: ({ backend: { rt }, inputs: [x, index], outputs: [y] }) => {
    const [outer, d, inner] = x!.shape as [number, number, number];
    rt.exports.index_select(esize(x!), rt.addr(x!), rt.addr(index!), y!.data, outer, d, inner, index!.shape[0]);
  },
});
