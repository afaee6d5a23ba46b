import { DTYPES, defineKernel } from '@tessera/core';
import { runElementwise } from '../util/elementwise.js';
import { convert } from '../util/wgsl.js';

/**
 * Every dtype pair on the GPU: 8/16-bit dtypes are packed in u32 words (unpacked by shifts, written
 * with atomic and/or), f16/bf16 are encoded with round-to-nearest-even in integer WGSL, and
 * float -> int truncates then wraps (NaN / ±inf -> 0), as the cpu backend's typed-array stores do.
 */
export default defineKernel('cast', {
  dtypes: DTYPES,
  run: ({ backend, inputs: [x], outputs: [y] }) =>
    runElementwise(backend, { op: 'cast', inputs: [x!], output: y!, expr: convert('a', x!.dtype, y!.dtype) }),
});
