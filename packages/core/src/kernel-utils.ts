/** Helpers for backend kernels (core itself does not use them). */
import { MAX_DIMS } from './backend.js';
import { ShapeError } from './errors.js';
import { coalesce, fmt, type Coalesced } from './layout.js';

/**
 * A contiguous tensor as `outer` rows of `n` (its last dim; 1 for a 0-d tensor). `outer` is the
 * product of the leading dims, so a [3, 0] tensor is 3 empty rows (a sum over them writes 3 zeros)
 * and a [0, 5] tensor is 0 rows of 5.
 */
export function rows(v: { readonly shape: readonly number[] }): { outer: number; n: number } {
  const s = v.shape, last = s.length - 1;
  let outer = 1;
  for (let d = 0; d < last; d++) outer *= s[d]!;
  return { outer, n: last >= 0 ? s[last]! : 1 };
}

/**
 * Core's `coalesce`, checked against MAX_DIMS (what native view descriptors hold). `where` names
 * the backend and op ("wasm add") for the error.
 */
export function coalesceForKernel(where: string, shape: readonly number[], strides: readonly (readonly number[])[]): Coalesced {
  const c = coalesce(shape, strides);
  if (c.shape.length > MAX_DIMS) {
    throw new ShapeError(
      `${where}: a strided view of shape ${fmt(shape)} (strides ${strides.map(fmt).join(', ')}) keeps ` +
        `${c.shape.length} dims after merging neighbours; kernels take at most MAX_DIMS = ${MAX_DIMS}`,
    );
  }
  return c;
}
