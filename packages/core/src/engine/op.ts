/**
 * The public-op boundary (as TensorFlow.js's `op()`): every exported function and Tensor method is
 * declared through `op(name, signature, impl)`. A call from user code
 *  - checks its arguments against the signature (a typed error naming `name`),
 *  - runs `impl` inside a scope, so only the result survives: intermediates are freed on success and
 *    on error, except those the result's autograd graph needs, which the result owns (freed with it,
 *    or when backward frees the graph),
 *  - reports any error under `name` (inner ops never surface) and turns a stray untyped error into
 *    ERR_INTERNAL.
 * Calls from inside another op (depth > 0) go straight to `impl`: the outer call does all of this once.
 */
import { InternalError, TesseraError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { isTensor } from './brand.js';
import { checkArgs, parseSignature } from './signature.js';
import { engineState as S } from './state.js';

/**
 * How a function meets the boundary: 'op' (checked, scoped), 'async' (checked; errors reject; no
 * scope: the work continues after the call returns) or 'callback' (checked only: it runs user
 * code, whose own calls must be checked as user calls).
 */
export type OpMode = 'op' | 'async' | 'callback';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function shape passes through
type Fn = (...args: any[]) => any;

/** Declare a public function: `export const softmax = op('softmax', 'input:tensor, axis?:int', impl)`. */
export function op<F extends Fn>(name: string, signature: string, impl: F, mode: OpMode = 'op'): F {
  const sig = parseSignature(name, signature);
  let wrapped: Fn;
  if (mode === 'callback') {
    wrapped = function (this: unknown, ...args: unknown[]) {
      if (S.opDepth === 0) checkArgs(sig, args);
      return impl.apply(this, args);
    };
  } else if (mode === 'async') {
    wrapped = function (this: unknown, ...args: unknown[]) {
      if (S.opDepth > 0) return impl.apply(this, args);
      try {
        checkArgs(sig, args);
        return (impl.apply(this, args) as Promise<unknown>).catch((e: unknown) => { throw relabel(name, e); });
      } catch (e) {
        return Promise.reject(relabel(name, e));
      }
    };
  } else {
    wrapped = function (this: unknown, ...args: unknown[]) {
      if (S.opDepth > 0) return impl.apply(this, args);
      checkArgs(sig, args);
      return scoped(name, () => impl.apply(this, args));
    };
  }
  Object.defineProperty(wrapped, 'name', { value: name });
  return wrapped as F;
}

/**
 * A Tensor method written in the class (`dataSync`, `assign`...) behind the same boundary: the
 * receiver is checked as the first parameter of `signature`.
 */
export function method(proto: object, name: string, signature: string, mode: OpMode = 'op'): void {
  const d = Object.getOwnPropertyDescriptor(proto, name);
  if (!d || typeof d.value !== 'function') throw new Error(`method: Tensor has no method '${name}'`);
  const impl = d.value as Fn;
  const f = op(name, signature, (self: unknown, ...args: unknown[]) => impl.apply(self, args), mode);
  Object.defineProperty(proto, name, { ...d, value: function (this: unknown, ...args: unknown[]) { return f(this, ...args); } });
}

/** A Tensor setter behind the boundary (`t.requiresGrad = v`): the receiver and the value checked. */
export function setter(proto: object, name: string, signature: string): void {
  const d = Object.getOwnPropertyDescriptor(proto, name)!;
  const set = op(name, signature, (self: unknown, v: unknown) => d.set!.call(self, v));
  Object.defineProperty(proto, name, { ...d, set(this: unknown, v: unknown) { set(this, v); } });
}

/** Run `f` one level deep in op scope; see the file comment. */
export function scoped<T>(name: string, f: () => T): T {
  const scope = new Set<Tensor>();
  S.scopes.push(scope);
  S.opDepth++;
  let out: T;
  try {
    out = f();
  } catch (e) {
    S.opDepth--;
    S.scopes.pop();
    for (const t of scope) t.dispose();
    throw relabel(name, e);
  }
  S.opDepth--;
  S.scopes.pop();
  settle(scope, out);
  return out;
}

function resultsOf(x: unknown, into: Set<Tensor>): void {
  if (isTensor(x)) into.add(x);
  else if (Array.isArray(x)) for (const v of x) resultsOf(v, into);
  else if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    for (const v of Object.values(x)) resultsOf(v, into);
  }
}

/** Keep the results (handed to the enclosing scope), give graph-needed intermediates to the result that needs them, free the rest. */
function settle(scope: Set<Tensor>, out: unknown): void {
  if (scope.size === 0) return;
  const results = new Set<Tensor>();
  resultsOf(out, results);
  const parent = S.scopes[S.scopes.length - 1];
  const claimed = new Set<Tensor>();
  for (const r of results) {
    if (!scope.has(r) || !r.node) continue;
    const stack = [...r.node.inputs];
    while (stack.length) {
      const t = stack.pop()!;
      if (!scope.has(t) || results.has(t) || claimed.has(t)) continue;
      claimed.add(t);
      (r.owned ??= []).push(t);
      if (t.node) stack.push(...t.node.inputs);
    }
  }
  for (const t of scope) {
    if (results.has(t)) parent?.add(t);
    else if (!claimed.has(t)) t.dispose();
  }
}

/** Errors raised by user code an op called (a loader's callback): they pass through unchanged. */
const userErrors = new WeakSet<object>();

/** Mark `e`, thrown by a callback the user gave an op, to pass through the boundary as it is. */
export function fromUserCode(e: unknown): unknown {
  if (typeof e === 'object' && e !== null) userErrors.add(e);
  return e;
}

/** The error as the user's call reports it: typed, under the name the user called. */
export function relabel(name: string, e: unknown): unknown {
  if (typeof e === 'object' && e !== null && userErrors.has(e)) return e;
  if (e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && isTesseraError(e)) {
    const m = /^([A-Za-z_$][\w$.#]*)(?:\([^)]*\))?: /.exec(e.message);
    if (m && m[1] !== name) {
      e.message = `${name}: ${e.message.slice(m[0].length)}`;
    } else if (!m) {
      e.message = `${name}: ${e.message}`;
    }
    return e;
  }
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const err = new InternalError(`${name}: unexpected ${detail}; this is a bug in Tessera, please report it with the call that raised it`);
  (err as { cause?: unknown }).cause = e;
  return err;
}

/** TesseraError of this or another loaded copy of core. */
function isTesseraError(e: Error): boolean {
  if (e instanceof TesseraError) return true;
  for (let p = Object.getPrototypeOf(e); p; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === 'TesseraError') return true;
  }
  return false;
}
