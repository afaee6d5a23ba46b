import { DTYPES, contiguousStrides, defineKernel } from '@tessera/core';
import { gpu, runElementwise } from '../util/elementwise.js';
import { BYTES } from '../util/rows.js';

/**
 * Strided view -> strided window (core passes windows into larger allocations for cat / pad).
 * A buffer cannot be bound for reading and writing at once, so a copy within one allocation
 * goes through a temporary.
 */
export default defineKernel('copy', {
  dtypes: DTYPES,
  run: ({ backend, inputs: [x], outputs: [y] }) => {
    if (x!.data !== y!.data) return runElementwise(backend, { op: 'copy', inputs: [x!], output: y!, expr: 'a' });
    const n = x!.shape.reduce((p, s) => p * s, 1);
    const tmp = backend.runtime.alloc(n * BYTES[x!.dtype]);
    const t = { data: tmp, dtype: x!.dtype, shape: x!.shape, strides: contiguousStrides(x!.shape), offset: 0 };
    runElementwise(backend, { op: 'copy', inputs: [x!], output: t, expr: 'a' });
    runElementwise(backend, { op: 'copy', inputs: [t], output: y!, expr: 'a' });
    backend.runtime.free(gpu(t));
  },
});
