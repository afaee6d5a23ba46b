/**
 * Brands that survive a second copy of core: `instanceof` fails between the ESM and the CJS build,
 * a `Symbol.for` key on the prototype does not.
 */
import type { Tensor } from '../tensor.js';

export const TENSOR_BRAND: symbol = Symbol.for('@tessera/core/tensor');

/** True for a Tensor of any loaded copy of @tessera/core. */
export function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[TENSOR_BRAND] === true;
}
