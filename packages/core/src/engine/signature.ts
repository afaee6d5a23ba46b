/**
 * Declared signatures of public functions: `'input:tensor, axis?:int|ints, keepDim?:bool'`.
 * Parsed once when an op is declared; checked on every call from user code. Each error names the
 * function the user called, the argument, what was given (bounded) and what is expected.
 */
import { DTYPES } from '../dtype.js';
import { ArgumentError, DTypeError, DisposedError } from '../errors.js';
import { describe } from '../format.js';
import { isTensor } from './brand.js';
import type { Tensor } from '../tensor.js';

type Check = (v: unknown) => boolean;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !isTensor(v) && !ArrayBuffer.isView(v);
const isLiveTensor = (v: unknown): boolean => isTensor(v);
const intList = (v: unknown): boolean => Array.isArray(v) && v.every(isInt);

/** Each kind: its test and how the message says what is expected. */
const KINDS: Record<string, [Check, string]> = {
  tensor: [isLiveTensor, 'a Tensor'],
  anyTensor: [isLiveTensor, 'a Tensor'],
  operand: [(v) => typeof v === 'number' || typeof v === 'boolean' || isTensor(v), 'a Tensor, a number or a boolean'],
  number: [(v) => typeof v === 'number', 'a number'],
  finite: [(v) => typeof v === 'number' && Number.isFinite(v), 'a finite number'],
  int: [isInt, 'an integer'],
  bool: [(v) => typeof v === 'boolean', 'true or false'],
  string: [(v) => typeof v === 'string', 'a string'],
  function: [(v) => typeof v === 'function', 'a function'],
  dtype: [(v) => typeof v === 'string' && (DTYPES as readonly string[]).includes(v), `a dtype (${DTYPES.join(', ')})`],
  ints: [intList, 'an array of integers'],
  size: [(v) => isInt(v) && v >= 0, 'a non-negative integer'],
  numbers: [(v) => Array.isArray(v) && v.every((x) => typeof x === 'number'), 'an array of numbers'],
  intLists: [(v) => Array.isArray(v) && v.every(intList), 'an array of integer arrays'],
  shaped: [(v) => typeof v === 'object' && v !== null && intList((v as { shape?: unknown }).shape), 'a Tensor or a view with a shape'],
  shape: [intList, 'a shape (an array of integers)'],
  tensors: [(v) => Array.isArray(v) && v.length > 0 && v.every(isTensor), 'a non-empty array of Tensors'],
  data: [(v) => typeof v === 'number' || typeof v === 'boolean' || Array.isArray(v) || ArrayBuffer.isView(v), 'a number, a boolean, a nested array or a typed array'],
  typed: [(v) => ArrayBuffer.isView(v) && !(v instanceof DataView), 'a typed array'],
  bytes: [(v) => v instanceof Uint8Array, 'a Uint8Array'],
  object: [isPlain, 'an object'],
  backend: [(v) => isPlain(v) && typeof v.storage === 'object' && Array.isArray(v.kernels), 'a Backend object (from getBackend())'],
  null: [(v) => v === null, 'null'],
  any: [() => true, 'anything'],
};

interface Param {
  name: string;
  optional: boolean;
  rest: boolean;
  kinds: { check: Check; text: string; keys?: readonly string[]; tensor: boolean; live: boolean }[];
}

export interface Signature { fn: string; params: Param[]; min: number; max: number }

/** `opts(a b c)` is an options object whose keys are all in the list. */
function parseKind(fn: string, k: string): Param['kinds'][number] {
  const m = /^opts\(([\w ]*)\)$/.exec(k);
  if (m) {
    const keys = m[1]!.split(' ').filter(Boolean);
    return { check: isPlain, text: `an options object { ${keys.join(', ')} }`, keys, tensor: false, live: false };
  }
  const known = KINDS[k];
  if (!known) throw new Error(`signature of ${fn}: unknown kind '${k}'`);
  return { check: known[0], text: known[1], tensor: k === 'tensor' || k === 'anyTensor' || k === 'tensors', live: k !== 'anyTensor' };
}

export function parseSignature(fn: string, text: string): Signature {
  const params: Param[] = text.split(',').map((s) => s.trim()).filter(Boolean).map((p) => {
    const m = /^(\.\.\.)?([\w$]+)(\?)?:(.+)$/.exec(p);
    if (!m) throw new Error(`signature of ${fn}: cannot read '${p}'`);
    return { name: m[2]!, rest: !!m[1], optional: !!m[3] || !!m[1], kinds: m[4]!.split('|').map((k) => parseKind(fn, k.trim())) };
  });
  const firstOptional = params.findIndex((p) => p.optional);
  const hasRest = params.some((p) => p.rest);
  return { fn, params, min: firstOptional < 0 ? params.length : firstOptional, max: hasRest ? Infinity : params.length };
}

const expectation = (p: Param) => p.kinds.map((k) => k.text).join(' or ');

function checkOne(sig: Signature, p: Param, name: string, v: unknown): void {
  for (const k of p.kinds) {
    if (!k.check(v)) continue;
    if (k.keys) {
      for (const key of Object.keys(v as object)) {
        if (!k.keys.includes(key)) throw new ArgumentError(`${sig.fn}: unknown option '${key}' in '${name}' (allowed: ${k.keys.join(', ') || 'none'})`);
      }
    }
    if (k.tensor && k.live) {
      const ts = Array.isArray(v) ? (v as Tensor[]) : [v as Tensor];
      ts.forEach((t, i) => {
        if (t.isDisposed || t.storage.freed) {
          throw new DisposedError(`${sig.fn}: argument '${Array.isArray(v) ? `${name}[${i}]` : name}' (${describe(t)}) was used after dispose()`);
        }
      });
    }
    return;
  }
  const Err = p.kinds.every((k) => k.text.startsWith('a dtype')) ? DTypeError : ArgumentError;
  throw new Err(`${sig.fn}: argument '${name}' must be ${expectation(p)}, got ${describe(v)}`);
}

/** Throw a typed error naming `sig.fn` when `args` do not fit the signature. */
export function checkArgs(sig: Signature, args: ArrayLike<unknown>): void {
  let n = args.length;
  while (n > sig.min && args[n - 1] === undefined) n--; // trailing undefined = not passed
  if (n > sig.max) {
    throw new ArgumentError(`${sig.fn}: takes at most ${sig.max} argument${sig.max === 1 ? '' : 's'} (${sig.params.map((p) => p.name).join(', ')}), got ${n}`);
  }
  for (let i = 0; i < sig.params.length; i++) {
    const p = sig.params[i]!;
    if (p.rest) {
      for (let j = i; j < n; j++) checkOne(sig, p, `${p.name}[${j - i}]`, args[j]);
      return;
    }
    const v = args[i];
    if (v === undefined && i >= n) {
      if (!p.optional) throw new ArgumentError(`${sig.fn}: missing argument '${p.name}' (${expectation(p)})`);
      continue;
    }
    if (v === undefined && p.optional) continue;
    checkOne(sig, p, p.name, v);
  }
}
