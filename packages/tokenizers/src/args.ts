// Checks of public-function arguments: each error names the function, the argument, what was given and what is expected.
import { describe, fail } from './errors.js';

export function badArg(fn: string, arg: string, want: string, got: unknown): never {
  fail('INVALID_ARGUMENT', `${fn}: ${arg} must be ${want}, got ${describe(got)}`);
}
export function str(fn: string, arg: string, v: unknown): string {
  if (typeof v !== 'string') badArg(fn, arg, 'a string', v);
  return v;
}
export function optBool(fn: string, arg: string, v: unknown): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean') badArg(fn, arg, 'a boolean', v);
  return v as boolean | undefined;
}
export function int(fn: string, arg: string, v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) badArg(fn, arg, `an integer in [${min}, ${max}]`, v);
  return v;
}
/** An options object (undefined gives {}); unknown keys are errors. */
export function options<T extends object>(fn: string, arg: string, v: unknown, keys: readonly string[]): Partial<T> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) badArg(fn, arg, `an options object (${keys.join(', ')})`, v);
  for (const k of Object.keys(v)) if (!keys.includes(k)) badArg(fn, `${arg}.${k.slice(0, 40)}`, `one of the known options (${keys.join(', ')})`, k);
  return v as Partial<T>;
}
/** Token ids: an array (or typed array) of non-negative integers. */
export function ids(fn: string, arg: string, v: unknown): ArrayLike<number> {
  const ok = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
  if (!ok) badArg(fn, arg, 'an array of token ids', v);
  const a = v as ArrayLike<unknown>;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x === 'bigint' || typeof x !== 'number' || !Number.isInteger(x) || x < 0) badArg(fn, `${arg}[${i}]`, 'a non-negative integer id', x);
  }
  return a as ArrayLike<number>;
}
export function bytes(fn: string, arg: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) badArg(fn, arg, 'a Uint8Array', v);
  return v;
}
export function pathOrBytes(fn: string, arg: string, v: unknown): string | Uint8Array {
  if (typeof v !== 'string' && !(v instanceof Uint8Array)) badArg(fn, arg, 'a file path (string) or the file bytes (Uint8Array)', v);
  return v;
}

/** Options of a model constructor: an object with known keys and a vocab (a Map or a plain object of token -> id). */
export function checkVocabOptions(fn: string, o: unknown, keys: readonly string[]): void {
  options(fn, 'opts', o ?? null, keys);
  const v = (o as { vocab?: unknown }).vocab;
  if (!(v instanceof Map) && (typeof v !== 'object' || v === null || Array.isArray(v))) badArg(fn, 'opts.vocab', 'a Map or an object of token -> id', v);
}

type Kind = 'bool' | 'string' | 'int' | 'array' | 'object' | 'bool?' | readonly string[];
/** Check constructor arguments of a pipeline component: [name, value, kind] each. */
export function checkParts(fn: string, parts: Array<[string, unknown, Kind]>): void {
  for (const [name, v, k] of parts) {
    if (k === 'bool') { if (typeof v !== 'boolean') badArg(fn, name, 'a boolean', v); }
    else if (k === 'bool?') { if (v !== null && typeof v !== 'boolean') badArg(fn, name, 'a boolean or null', v); }
    else if (k === 'string') { if (typeof v !== 'string') badArg(fn, name, 'a string', v); }
    else if (k === 'int') { if (!Number.isInteger(v) || (v as number) < 0) badArg(fn, name, 'a non-negative integer', v); }
    else if (k === 'array') { if (!Array.isArray(v)) badArg(fn, name, 'an array', v); }
    else if (k === 'object') { if (typeof v !== 'object' || v === null) badArg(fn, name, 'an object', v); }
    else if (typeof v !== 'string' || !k.includes(v)) badArg(fn, name, `one of ${k.join(', ')}`, v);
  }
}
/** The text argument of normalize / preTokenize. */
export function checkText(fn: string, s: unknown): void { if (typeof s !== 'string') badArg(fn, 's', 'a string', s); }
/** The tokens argument of decodeChain. */
export function checkTokens(fn: string, t: unknown): void {
  if (!Array.isArray(t)) badArg(fn, 'tokens', 'an array of strings', t);
  for (let i = 0; i < t.length; i++) if (typeof t[i] !== 'string') badArg(fn, `tokens[${i}]`, 'a string', t[i]);
}
