/** Coalescing for strided kernels (core's), limited to the dims the C descriptors hold. */
import { coalesce as coalesceViews, type Coalesced } from '@tessera/core';

export { contiguousStrides, numel, type Coalesced } from '@tessera/core';

export const MAX_DIMS = 12;

export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): Coalesced {
  const out = coalesceViews(shape, strides);
  if (out.shape.length > MAX_DIMS) throw new Error(`wasm: views with more than ${MAX_DIMS} non-mergeable dims are not supported`);
  return out;
}
