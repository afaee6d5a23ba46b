/**
 * Argument checks for public functions: each error names the function the user called, the
 * argument, what was given (bounded) and what is expected.
 */
import { ArgumentError, DisposedError } from './errors.js';
import { describe } from './format.js';
import { isTensor } from './engine.js';
import type { Tensor } from './tensor.js';

export function checkTensor(fn: string, arg: string, x: unknown): asserts x is Tensor {
  if (!isTensor(x)) throw new ArgumentError(`${fn}: argument '${arg}' must be a Tensor, got ${describe(x)}`);
  if (x.isDisposed) throw new DisposedError(`${fn}: argument '${arg}' was used after dispose()`);
}

/** A tensor, a finite-or-infinite number or a boolean (PyTorch's scalar operands). */
export function checkOperand(fn: string, arg: string, x: unknown): void {
  if (typeof x === 'number' || typeof x === 'boolean') return;
  checkTensor(fn, arg, x);
}

/** An integer (default any sign); `what` overrides the expectation text. */
export function checkInt(fn: string, arg: string, v: unknown, o: { min?: number; max?: number } = {}): asserts v is number {
  const ok = typeof v === 'number' && Number.isInteger(v) && (o.min === undefined || v >= o.min) && (o.max === undefined || v <= o.max);
  if (!ok) {
    const range = o.min !== undefined && o.max !== undefined ? ` in [${o.min}, ${o.max}]` : o.min !== undefined ? ` ≥ ${o.min}` : '';
    throw new ArgumentError(`${fn}: argument '${arg}' must be an integer${range}, got ${describe(v)}`);
  }
}

/** An options object (or undefined) whose keys are all in `allowed`. */
export function checkOptions(fn: string, opts: unknown, allowed: readonly string[], arg = 'options'): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts) || isTensor(opts)) {
    throw new ArgumentError(`${fn}: argument '${arg}' must be an options object { ${allowed.join(', ')} }, got ${describe(opts)}`);
  }
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) throw new ArgumentError(`${fn}: unknown option '${k}' (allowed: ${allowed.join(', ') || 'none'})`);
  }
}

export function checkBool(fn: string, arg: string, v: unknown): asserts v is boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(`${fn}: argument '${arg}' must be true or false, got ${describe(v)}`);
}

