/**
 * Checks left to op bodies, for values inside options and ranges (the signatures in engine/op.ts
 * check kinds and option keys): each error names the function, the argument, what was given.
 */
import { ArgumentError, DisposedError } from './errors.js';
import { describe } from './format.js';
import { isTensor } from './engine.js';
import type { Tensor } from './tensor.js';

export function checkTensor(fn: string, arg: string, x: unknown): asserts x is Tensor {
  if (!isTensor(x)) throw new ArgumentError(`${fn}: argument '${arg}' must be a Tensor, got ${describe(x)}`);
  if (x.isDisposed) throw new DisposedError(`${fn}: argument '${arg}' was used after dispose()`);
}

/** An integer (default any sign), within `min` / `max` when given. */
export function checkInt(fn: string, arg: string, v: unknown, o: { min?: number; max?: number } = {}): asserts v is number {
  const ok = typeof v === 'number' && Number.isInteger(v) && (o.min === undefined || v >= o.min) && (o.max === undefined || v <= o.max);
  if (!ok) {
    const range = o.min !== undefined && o.max !== undefined ? ` in [${o.min}, ${o.max}]` : o.min !== undefined ? ` ≥ ${o.min}` : '';
    throw new ArgumentError(`${fn}: argument '${arg}' must be an integer${range}, got ${describe(v)}`);
  }
}
