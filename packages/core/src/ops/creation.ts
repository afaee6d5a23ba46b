import type { Backend, RandomDist } from '../backend.js';
import { assertDType, BYTES_PER_ELEMENT, fromNumbers, isFloat, type DType, type StorageArray } from '../dtype.js';
import { backendSync, checkAllocation, dispatch, emptyTensor, fromUserCode, getBackend, sharedGenerator, op } from '../engine.js';
import { describe } from '../format.js';
import { ArgumentError, DTypeError, ShapeError, TesseraError } from '../errors.js';
import { checkShape, fmt, numel } from '../layout.js';
import { Tensor } from '../tensor.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /** Backend name; default: the current backend. */
  backend?: string;
}

export interface RandomOptions extends CreateOptions {
  /** Integer seed in [0, 2^53); without it the global generator (manualSeed) advances. */
  seed?: number;
}

export type NestedData = number | boolean | NestedData[] | readonly NestedData[];
export type TensorData = NestedData | ArrayLike<number> | StorageArray;

export const resolveBackend = op('resolveBackend', 'name?:string', function resolveBackend(name?: string): Backend {
  return name === undefined ? getBackend() : backendSync(name);
});

function finish(t: Tensor, opts: CreateOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

/** A tensor holding raw storage already in `dtype`'s encoding. */
export const fromStorage = op('fromStorage', 'data:typed, shape:shape, dtype:dtype, backend:backend', function fromStorage(raw: StorageArray, shape: readonly number[], dtype: DType, b: Backend): Tensor {
  const t = emptyTensor(b, shape, dtype);
  b.storage.write(t.storage.id, new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
  return t;
});

function inferNested(data: NestedData, where: string): { shape: number[]; flat: (number | boolean)[] } {
  const shape: number[] = [];
  let probe: NestedData = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0] as NestedData;
    if (probe === undefined) break;
  }
  const flat: (number | boolean)[] = [];
  const walk = (x: NestedData, d: number) => {
    if (d === shape.length) {
      if (typeof x !== 'number' && typeof x !== 'boolean') {
        throw new ArgumentError(`${where}: expected a number or boolean at depth ${d}, got ${Array.isArray(x) ? 'an array' : typeof x}`);
      }
      flat.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[d]) {
      throw new ShapeError(`${where}: ragged nested array: expected length ${shape[d]} at depth ${d} (shape ${fmt(shape)})`);
    }
    for (const v of x) walk(v as NestedData, d + 1);
  };
  walk(data, 0);
  return { shape, flat };
}

/** Writes one piece of a tensor's raw bytes (in its dtype's storage encoding) at `byteOffset`. */
export type ByteWriter = (bytes: Uint8Array, byteOffset: number) => void;

/**
 * A tensor whose raw bytes arrive in pieces (a file read in chunks): `fill(write)` hands each piece
 * to `write(bytes, byteOffset)`, which copies it straight into the tensor's storage, so no host
 * buffer of the whole tensor is ever needed. Bytes are in `dtype`'s storage encoding (float16 /
 * bfloat16 as their 16-bit patterns); a part never written is undefined, as torch.empty.
 */
export const fromByteChunks = op('fromByteChunks', 'shape:shape, dtype:dtype, fill:function, options?:opts(backend)', async function fromByteChunks(
  shape: readonly number[], dtype: DType, fill: (write: ByteWriter) => Promise<void> | void, opts: { backend?: string } = {},
): Promise<Tensor> {
  const s = checkShape(shape, 'fromByteChunks');
  const total = checkAllocation('fromByteChunks', s, dtype) * BYTES_PER_ELEMENT[dtype];
  const b = resolveBackend(opts.backend);
  const t = emptyTensor(b, s, dtype, 'fromByteChunks');
  let filling = true;
  const write: ByteWriter = (bytes, byteOffset) => {
    if (!(bytes instanceof Uint8Array)) throw new ArgumentError(`fromByteChunks: write() takes a Uint8Array, got ${describe(bytes)}`);
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset + bytes.length > total) {
      throw new ArgumentError(`fromByteChunks: write() of ${bytes.length} bytes at ${describe(byteOffset)} is outside the tensor's ${total} bytes`);
    }
    if (!filling) throw new ArgumentError('fromByteChunks: write() after fill returned; write every piece inside fill');
    b.storage.write(t.storage.id, bytes, byteOffset);
  };
  try {
    await fill(write);
  } catch (e) {
    t.dispose();
    throw e instanceof TesseraError ? e : fromUserCode(e);
  } finally {
    filling = false;
  }
  return t;
}, 'async');

function typedDType(a: ArrayLike<number>): DType {
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array) return 'uint8';
  return 'float32';
}

/**
 * `tensor(data, {dtype, shape, requiresGrad, backend})` from a scalar, nested arrays, or a flat
 * array / typed array with `shape`. Defaults: bool for booleans, the typed array's type, else float32.
 * A Uint16Array is taken as raw float16 / bfloat16 bits when dtype says so.
 */
export const tensor = op('tensor', 'data:data, options?:opts(dtype requiresGrad backend shape)', function tensor(data: TensorData, opts: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  const where = 'tensor';
  if (opts.dtype !== undefined) assertDType(opts.dtype, where);
  const b = resolveBackend(opts.backend);
  let shape: number[];
  let values: ArrayLike<number | boolean>;
  let dtype = opts.dtype;
  if (ArrayBuffer.isView(data)) {
    const arr = data as unknown as ArrayLike<number>;
    shape = opts.shape ? checkShape(opts.shape, where) : [arr.length];
    if (arr instanceof Uint16Array && (dtype === 'float16' || dtype === 'bfloat16')) {
      if (numel(shape) !== arr.length) throw new ShapeError(`${where}: shape ${fmt(shape)} needs ${numel(shape)} values, got ${arr.length}`);
      return finish(fromStorage(arr, shape, dtype, b), opts);
    }
    dtype ??= typedDType(arr);
    values = arr;
  } else if (Array.isArray(data) || typeof data === 'number' || typeof data === 'boolean') {
    const nested = inferNested(data as NestedData, where);
    values = nested.flat;
    shape = opts.shape ? checkShape(opts.shape, where) : nested.shape;
    dtype ??= values.length && nested.flat.every((v) => typeof v === 'boolean') ? 'bool' : 'float32';
  } else {
    throw new ArgumentError(`${where}: data must be a number, boolean, nested array or typed array, got ${typeof data}`);
  }
  if (numel(shape) !== values.length) {
    throw new ShapeError(`${where}: shape ${fmt(shape)} needs ${numel(shape)} values, got ${values.length}`);
  }
  const nums = Array.prototype.some.call(values, (v: unknown) => typeof v === 'boolean')
    ? Array.from(values, (v) => Number(v))
    : (values as ArrayLike<number>);
  return finish(fromStorage(fromNumbers(dtype, nums), shape, dtype, b), opts);
});

export const scalar = op('scalar', 'value:number|bool, options?:opts(dtype requiresGrad backend)', function scalar(value: number | boolean, opts: CreateOptions = {}): Tensor {
  return tensor(value, opts);
});

type CreateArg = CreateOptions | DType;

// The signatures check kinds and option keys; what is left here are the values.
function fullAs(fn: string, shape: readonly number[], value: number | boolean, optsArg: CreateArg = {}): Tensor {
  const opts: CreateOptions = typeof optsArg === 'string' ? { dtype: optsArg } : optsArg; // zeros([2], 'int32')
  const s = checkShape(shape, fn);
  const dtype = opts.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  assertDType(dtype, fn);
  checkAllocation(fn, s, dtype);
  const raw = fromNumbers(dtype, [Number(value)]);
  const data = fromNumbers(dtype, []).constructor as new (n: number) => StorageArray;
  const arr = new data(numel(s));
  arr.fill(raw[0]!);
  return finish(fromStorage(arr, s, dtype, resolveBackend(opts.backend)), opts);
}

export const full = op('full', 'size:shape, fillValue:number|bool, options?:opts(dtype requiresGrad backend)|dtype', (shape: readonly number[], value: number | boolean, opts: CreateArg = {}) => fullAs('full', shape, value, opts));
export const zeros = op('zeros', 'size:shape, options?:opts(dtype requiresGrad backend)|dtype', (shape: readonly number[], opts: CreateArg = {}) => fullAs('zeros', shape, 0, opts));
export const ones = op('ones', 'size:shape, options?:opts(dtype requiresGrad backend)|dtype', (shape: readonly number[], opts: CreateArg = {}) => fullAs('ones', shape, 1, opts));

const likeOpts = (t: Tensor, opts: CreateOptions): CreateOptions => ({ dtype: t.dtype, backend: t.backend, ...opts });
export const zerosLike = op('zerosLike', 'input:tensor, options?:opts(dtype requiresGrad backend)', (t: Tensor, opts: CreateOptions = {}) => full(t.shape, 0, likeOpts(t, opts)));
export const onesLike = op('onesLike', 'input:tensor, options?:opts(dtype requiresGrad backend)', (t: Tensor, opts: CreateOptions = {}) => full(t.shape, 1, likeOpts(t, opts)));
export const fullLike = op('fullLike', 'input:tensor, fillValue:number|bool, options?:opts(dtype requiresGrad backend)', (t: Tensor, v: number, opts: CreateOptions = {}) => full(t.shape, v, likeOpts(t, opts)));

/** `arange(end)` or `arange(start, end, step = 1, opts)`; int32 when all arguments are integers. */
export const arange = op('arange', 'start:finite, end?:finite, step?:finite, options?:opts(dtype requiresGrad backend)', function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(start) || !Number.isFinite(end) || !Number.isFinite(step)) {
    throw new ArgumentError(`arange: bad range start=${start} end=${end} step=${step}`);
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  checkAllocation('arange', [n, 2], 'float32'); // staged in a Float64Array
  const ints = [start, end, step].every(Number.isInteger);
  const dtype = opts.dtype ?? (ints ? 'int32' : 'float32');
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = start + i * step;
  return finish(fromStorage(fromNumbers(dtype, vals), [n], dtype, resolveBackend(opts.backend)), opts);
});

export const eye = op('eye', 'n:size, m?:size, options?:opts(dtype requiresGrad backend)', function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  checkShape([n, m], 'eye');
  checkAllocation('eye', [n, m, 2], 'float32'); // staged in a Float64Array
  const dtype = opts.dtype ?? 'float32';
  const vals = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) vals[i * m + i] = 1;
  return finish(fromStorage(fromNumbers(dtype, vals), [n, m], dtype, resolveBackend(opts.backend)), opts);
});

// ---- random: counter-based Philox, so a seed gives the same bits on every backend ----

const DEFAULT_SEED = 67280421310721;
const generator = sharedGenerator({ seed: DEFAULT_SEED, offset: 0 }); // one stream per process, whichever copy of core asks

/** Seed the global generator (like torch.manual_seed). */
export const manualSeed = op('manualSeed', 'seed:int', function manualSeed(seed: number): void {
  generator.seed = checkSeed(seed);
  generator.offset = 0;
});

function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 53) {
    throw new ArgumentError(`seed must be an integer in [0, 2^53), got ${seed}`);
  }
  return seed;
}

/** The global generator's state (as torch.get_rng_state): store it in a checkpoint to resume bit-exactly. */
export const getRngState = op('getRngState', '', function getRngState(): { seed: number; offset: number } {
  return { seed: generator.seed, offset: generator.offset };
});

/** Restore a state from `getRngState()` (as torch.set_rng_state). */
export const setRngState = op('setRngState', 'state:object', function setRngState(state: { seed: number; offset: number }): void {
  if (!state || typeof state !== 'object') throw new ArgumentError(`setRngState: state must be { seed, offset } from getRngState(), got ${describe(state)}`);
  const seed = checkSeed(state.seed);
  if (!Number.isInteger(state.offset) || state.offset < 0 || state.offset > 0xffffffff) {
    throw new ArgumentError(`setRngState: offset must be an integer in [0, 2^32), got ${describe(state.offset)}`);
  }
  generator.seed = seed;
  generator.offset = state.offset;
});

/** (seed, offset) for one draw: an explicit seed starts at offset 0; else the global stream advances. */
export const nextRandomKey = op('nextRandomKey', 'seed?:int', function nextRandomKey(seed?: number): { seed: number; offset: number } {
  if (seed !== undefined) return { seed: checkSeed(seed), offset: 0 };
  const key = { seed: generator.seed, offset: generator.offset };
  generator.offset = (generator.offset + 1) >>> 0;
  return key;
});

export const randomRaw = op('randomRaw', 'shape:shape, dist:string, backend:backend, seed?:int, low?:int, high?:int', function randomRaw(
  shape: readonly number[], dist: RandomDist, b: Backend, seed?: number, low?: number, high?: number,
): Tensor {
  const key = nextRandomKey(seed);
  const dtype: DType = dist === 'uniform' || dist === 'normal' ? 'float32' : 'int32';
  return dispatch('random', [], [{ shape, dtype }], { dist, ...key, low, high }, b)[0]!;
});

function floatRandom(dist: 'uniform' | 'normal', shape: readonly number[], opts: RandomOptions): Tensor {
  const s = checkShape(shape, dist === 'uniform' ? 'rand' : 'randn');
  const dtype = opts.dtype ?? 'float32';
  if (!isFloat(dtype)) throw new DTypeError(`${dist === 'uniform' ? 'rand' : 'randn'}: dtype must be a float type, got ${dtype}`);
  const t = randomRaw(s, dist, resolveBackend(opts.backend), opts.seed);
  const out = dtype === 'float32' ? t : castTo(t, dtype);
  return finish(out, opts);
}

function castTo(t: Tensor, dtype: DType): Tensor {
  const c = dispatch('cast', [t], [{ shape: t.shape, dtype }], { dtype })[0]!;
  t.dispose();
  return c;
}

/** Uniform on [0, 1). */
export const rand = op('rand', 'size:shape, options?:opts(dtype requiresGrad backend seed)', (shape: readonly number[], opts: RandomOptions = {}) => floatRandom('uniform', shape, opts));
/** Standard normal. */
export const randn = op('randn', 'size:shape, options?:opts(dtype requiresGrad backend seed)', (shape: readonly number[], opts: RandomOptions = {}) => floatRandom('normal', shape, opts));

/** Integers uniform in [low, high). int32 unless dtype says otherwise. */
export const randint = op('randint', 'low:int, high:int, size:shape, options?:opts(dtype requiresGrad backend seed)', function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = {}): Tensor {
  const s = checkShape(shape, 'randint');
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low || high - low > 2 ** 31) {
    throw new ArgumentError(`randint: need integers low < high with high - low <= 2^31, got low=${low} high=${high}`);
  }
  const t = randomRaw(s, 'randint', resolveBackend(opts.backend), opts.seed, low, high);
  return finish(opts.dtype && opts.dtype !== 'int32' ? castTo(t, opts.dtype) : t, opts);
});
