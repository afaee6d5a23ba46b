/** tidy scopes: tensors made inside are disposed unless returned or keep()-ed. */
import { ArgumentError } from '../errors.js';
import { isTensor } from './brand.js';
import { engineState as S } from './state.js';
import type { Tensor } from '../tensor.js';

/** Track `t` in the innermost tidy scope (for tensors handed back to user code). */
export function track<T extends Tensor>(t: T): T {
  S.scopes[S.scopes.length - 1]?.add(t);
  return t;
}

/** Stop tracking `t` in any tidy scope, so it survives them. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of S.scopes) s.delete(t);
  return t;
}

/** Every tensor reachable from `x` through arrays, plain objects, Maps and Sets (cycles safe). */
function collect(x: unknown, into: Set<Tensor>, seen: Set<unknown>): void {
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (isTensor(x)) { into.add(x); return; }
  if (Array.isArray(x) || x instanceof Set) for (const v of x) collect(v, into, seen);
  else if (x instanceof Map) for (const v of x.values()) collect(v, into, seen);
  else if (Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) collect(v, into, seen);
}

/**
 * Run `fn` and dispose every tensor it made that it does not return (tensors anywhere inside a
 * returned array, plain object, Map or Set are kept) and that was not `keep()`-ed. `fn` must be
 * synchronous; when it throws, everything it made is disposed and the error passes through.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ArgumentError(`tidy: argument 'fn' must be a function, got ${typeof fn}`);
  const scope = new Set<Tensor>();
  S.scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    S.scopes.pop();
    for (const t of scope) t.dispose();
    throw e;
  }
  S.scopes.pop();
  if (result instanceof Promise || (result && typeof (result as { then?: unknown }).then === 'function')) {
    for (const t of scope) t.dispose();
    (result as unknown as Promise<unknown>).then(undefined, () => undefined);
    throw new ArgumentError('tidy: fn returned a Promise; tidy takes a synchronous function (await outside it, or tidy each synchronous step)');
  }
  const out = new Set<Tensor>();
  collect(result, out, new Set());
  const parent = S.scopes[S.scopes.length - 1];
  for (const t of scope) {
    if (out.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}
