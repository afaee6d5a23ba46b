import { defineKernel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';
import { F32_I32 } from '../util/ops.js';

// Sequential on purpose: two indices may hit one element.
export default defineKernel<'scatterAdd', WasmBackend>('scatterAdd', {
  dtypes: F32_I32,
  run: ({ backend: { rt }, inputs: [base, index, src], outputs: [y] }) => {
    const [outer, d, inner] = base!.shape as [number, number, number];
    rt.exports.scatter_add(base!.dtype === 'int32' ? 1 : 0, rt.addr(base!), rt.addr(index!), rt.addr(src!), y!.data,
      outer, d, inner, index!.shape[1]);
  },
});
