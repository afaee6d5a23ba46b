/**
 * The engine: backend registry, storage refcounts, memory accounting, tidy scopes and kernel
 * dispatch (with the dtype fallback and the contiguity guarantees of the contract).
 */
import type { Backend, BackendFactory, DataId, KernelConfig, OpAttrs, OpName, TensorView } from './backend.js';
import { BYTES_PER_ELEMENT, isFloat, type DType } from './dtype.js';
import { BackendMismatchError, BackendUnavailableError, DisposedError, TesseraError } from './errors.js';
import { contiguousStrides, isContiguous, numel, type Layout } from './layout.js';
import { Tensor } from './tensor.js';

/** One allocation, shared by every view of it. */
export class Storage {
  refs = 0;
  constructor(readonly backend: Backend, readonly id: DataId, readonly byteLength: number) {}
}

interface Registered { factory: BackendFactory; priority: number }
interface Usage { numTensors: number; numBytes: number }

const registry = new Map<string, Registered>();
const instances = new Map<string, Backend>();
const kernelMaps = new Map<Backend, Map<string, KernelConfig>>();
const registeredNames = new Map<Backend, string>();
const failures = new Map<string, unknown>();
const pending = new Map<string, Promise<Backend>>();
let current: Backend | null = null;

const usage = new Map<string, Usage>();
const scopes: Set<Tensor>[] = [];

// ---------------------------------------------------------------------------------------------
// Backends

export function registerBackend(name: string, factory: BackendFactory, priority = 0): void {
  if (typeof name !== 'string' || !name) throw new BackendUnavailableError('registerBackend: name must be a non-empty string');
  registry.set(name, { factory, priority });
  failures.delete(name);
}

/** Registered backend names, best first. */
export function listBackends(): string[] {
  return [...registry.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
}

function adopt(name: string, b: Backend): Backend {
  instances.set(name, b);
  registeredNames.set(b, name);
  kernelMaps.set(b, new Map(b.kernels.map((k) => [k.op, k])));
  return b;
}

function unknown(name: string): BackendUnavailableError {
  const known = listBackends();
  return new BackendUnavailableError(
    `backend '${name}' is not registered (registered: ${known.join(', ') || 'none'}); ` +
      `import its package first, e.g. import '@tessera/backend-${name}'`,
  );
}

function unavailable(name: string, e: unknown): BackendUnavailableError {
  if (e instanceof BackendUnavailableError) return e;
  const why = e instanceof Error ? e.message : String(e);
  const err = new BackendUnavailableError(`backend '${name}' cannot start here: ${why}`);
  (err as { cause?: unknown }).cause = e;
  return err;
}

/** Start (once) and return a backend; async factories are awaited. */
export async function initBackend(name: string): Promise<Backend> {
  const have = instances.get(name);
  if (have) return have;
  const reg = registry.get(name);
  if (!reg) throw unknown(name);
  let p = pending.get(name);
  if (!p) {
    p = (async () => adopt(name, await reg.factory()))();
    pending.set(name, p);
  }
  try {
    return await p;
  } catch (e) {
    failures.set(name, e);
    throw unavailable(name, e);
  } finally {
    pending.delete(name);
  }
}

/** A started backend, starting a synchronous factory on first use. */
export function backendSync(name: string): Backend {
  const have = instances.get(name);
  if (have) return have;
  const reg = registry.get(name);
  if (!reg) throw unknown(name);
  let b: Backend | Promise<Backend>;
  try {
    b = reg.factory();
  } catch (e) {
    failures.set(name, e);
    throw unavailable(name, e);
  }
  if (b instanceof Promise) {
    b.catch(() => undefined);
    throw new BackendUnavailableError(`backend '${name}' starts asynchronously: call \`await setBackend('${name}')\` first`);
  }
  return adopt(name, b);
}

export async function setBackend(name: string): Promise<Backend> {
  current = await initBackend(name);
  return current;
}

/** Start the best backend that works here (highest priority, not simulated), or `name`. */
export async function ready(name?: string): Promise<Backend> {
  if (name) return setBackend(name);
  if (current) return current;
  for (const n of listBackends()) {
    try {
      const b = await initBackend(n);
      if (b.info?.simulated) continue;
      current = b;
      return b;
    } catch {
      // try the next one
    }
  }
  throw new BackendUnavailableError('no backend could start; import one, e.g. @tessera/backend-cpu');
}

/** The current backend. Without setBackend/ready, the best backend that starts synchronously. */
export function getBackend(): Backend {
  if (current) return current;
  for (const n of listBackends()) {
    if (failures.has(n)) continue;
    try {
      const b = backendSync(n);
      if (b.info?.simulated) continue;
      current = b;
      return b;
    } catch {
      // async or failing: try the next one
    }
  }
  throw new BackendUnavailableError(
    listBackends().length
      ? `no registered backend starts synchronously (${listBackends().join(', ')}): call \`await ready()\` first`
      : 'no backend is registered: import one, e.g. `import \'@tessera/backend-cpu\'`',
  );
}

/** The name a backend instance was registered under (its `name` field when used unregistered). */
export function nameOf(b: Backend): string {
  return registeredNames.get(b) ?? b.name;
}

export function kernelFor(b: Backend, op: OpName): KernelConfig | undefined {
  return kernelMaps.get(b)?.get(op);
}

// ---------------------------------------------------------------------------------------------
// Storage and memory accounting

function use(b: Backend): Usage {
  const name = nameOf(b);
  let u = usage.get(name);
  if (!u) usage.set(name, (u = { numTensors: 0, numBytes: 0 }));
  return u;
}

export function allocStorage(b: Backend, byteLength: number): Storage {
  const s = new Storage(b, b.storage.alloc(Math.max(byteLength, 4)), byteLength);
  use(b).numBytes += byteLength;
  return s;
}

export function retain(s: Storage): void {
  s.refs++;
}

export function release(s: Storage): void {
  if (--s.refs === 0) {
    s.backend.storage.free(s.id);
    use(s.backend).numBytes -= s.byteLength;
  }
}

/** Live tensors and bytes, overall and per backend. */
export function memory(): Usage & { backends: Record<string, Usage> } {
  const backends: Record<string, Usage> = {};
  let numTensors = 0, numBytes = 0;
  for (const [n, u] of usage) {
    backends[n] = { ...u };
    numTensors += u.numTensors;
    numBytes += u.numBytes;
  }
  return { numTensors, numBytes, backends };
}

export function onTensorCreated(t: Tensor): void {
  use(t.storage.backend).numTensors++;
  scopes[scopes.length - 1]?.add(t);
}

export function onTensorDisposed(t: Tensor): void {
  use(t.storage.backend).numTensors--;
  for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i]!.delete(t)) break;
}

// ---------------------------------------------------------------------------------------------
// Scopes

/** Track `t` in the innermost tidy scope (for tensors handed back to user code). */
export function track<T extends Tensor>(t: T): T {
  scopes[scopes.length - 1]?.add(t);
  return t;
}

/** Stop tracking `t` in any tidy scope, so it survives them. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

function collect(x: unknown, into: Set<Tensor>, depth = 0): void {
  if (x instanceof Tensor) into.add(x);
  else if (depth < 4 && Array.isArray(x)) for (const v of x) collect(v, into, depth + 1);
  else if (depth < 4 && x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    for (const v of Object.values(x)) collect(v, into, depth + 1);
  }
}

/**
 * Run `fn` and dispose every tensor it made that it does not return (tensors in a returned array
 * or plain object are kept) and that was not `keep()`-ed. `fn` must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  if (result instanceof Promise) {
    throw new TesseraError('ERR_ARGUMENT', 'tidy: fn returned a Promise; tidy takes a synchronous function (await outside it)');
  }
  const out = new Set<Tensor>();
  collect(result, out);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (out.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Tensors and dispatch

export function viewOf(t: Tensor): TensorView {
  if (t.isDisposed) throw new DisposedError(`a ${t.dtype} tensor of shape [${t.shape.join(', ')}] was used after dispose()`);
  return { data: t.storage.id, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset };
}

export function emptyTensor(b: Backend, shape: readonly number[], dtype: DType): Tensor {
  const s = allocStorage(b, numel(shape) * BYTES_PER_ELEMENT[dtype]);
  return new Tensor(s, { shape: [...shape], strides: contiguousStrides(shape), offset: 0 }, dtype);
}

/** The backend shared by `tensors` (error if they differ). */
export function commonBackend(op: string, tensors: readonly Tensor[]): Backend {
  let b: Backend | undefined;
  for (const t of tensors) {
    if (t.isDisposed) viewOf(t);
    const tb = t.storage.backend;
    if (!b) b = tb;
    else if (tb !== b) {
      throw new BackendMismatchError(
        `${op}: tensors live on backends '${nameOf(b)}' and '${nameOf(tb)}'; move one with t.to('${nameOf(b)}') first`,
      );
    }
  }
  return b ?? getBackend();
}

/** Ops whose inputs may be any strided view (the rest get contiguous inputs). */
const STRIDED: ReadonlySet<string> = new Set([
  'neg', 'exp', 'log', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'abs', 'sigmoid', 'erf',
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'lt', 'le', 'eq', 'where', 'cast', 'copy', 'matmul', 'attention', 'attentionBackward',
]);

export interface OutSpec { shape: readonly number[]; dtype: DType }

function fallbackDType(d: DType, kernel: KernelConfig): DType | null {
  const ok = kernel.dtypes;
  if (!ok || ok.includes(d)) return null;
  if (isFloat(d) && ok.includes('float32')) return 'float32';
  if (!isFloat(d) && ok.includes('int32')) return 'int32';
  if (ok.includes('float32')) return 'float32';
  throw new TesseraError('ERR_DTYPE', `kernel '${kernel.op}' takes ${ok.join(', ')}, not ${d}`);
}

/** Cast without autograd (dispatch-internal). */
export function castRaw(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  return dispatch('cast', [t], [{ shape: t.shape, dtype }], { dtype })[0]!;
}

/** Materialise a contiguous copy (or return `t` when it already is contiguous). */
export function contiguousRaw(t: Tensor): Tensor {
  if (isContiguous(t)) return t;
  return dispatch('copy', [t], [{ shape: t.shape, dtype: t.dtype }], {})[0]!;
}

/**
 * Run one kernel. Returns null when the backend has no kernel for `op` (the caller decomposes).
 * Inputs are made contiguous / cast as the contract promises; temporaries are freed here.
 */
export function tryDispatch<Op extends OpName>(
  op: Op, inputs: readonly Tensor[], outs: readonly OutSpec[], attrs: OpAttrs[Op], on?: Backend,
): Tensor[] | null {
  const b = on ?? commonBackend(op, inputs);
  const kernel = kernelFor(b, op);
  if (!kernel) return null;
  const temps: Tensor[] = [];
  const dataIdx = op === 'where' ? 1 : 0;
  const dataType = inputs[dataIdx]?.dtype;
  const fb = dataType && op !== 'cast' ? fallbackDType(dataType, kernel) : null;
  const prepared = inputs.map((t) => {
    let x = t;
    if (fb && x.dtype === dataType) temps.push((x = castRaw(x, fb)));
    if (!STRIDED.has(op) && !isContiguous(x)) temps.push((x = contiguousRaw(x)));
    return x;
  });
  const keepsOut = op === 'lt' || op === 'le' || op === 'eq'; // bool results whatever the input width
  const outTensors = outs.map((o) => emptyTensor(b, o.shape, fb && !keepsOut && o.dtype === dataType ? fb : o.dtype));
  try {
    kernel.run({ backend: b, inputs: prepared.map(viewOf), outputs: outTensors.map(viewOf), attrs });
  } catch (e) {
    for (const t of outTensors) t.dispose();
    throw e;
  } finally {
    for (const t of temps) t.dispose();
  }
  if (!fb) return outTensors;
  return outTensors.map((t, i) => {
    const want = outs[i]!.dtype;
    if (t.dtype === want) return t;
    const c = castRaw(t, want);
    t.dispose();
    return c;
  });
}

export function dispatch<Op extends OpName>(
  op: Op, inputs: readonly Tensor[], outs: readonly OutSpec[], attrs: OpAttrs[Op], on?: Backend,
): Tensor[] {
  const r = tryDispatch(op, inputs, outs, attrs, on);
  if (r) return r;
  const b = on ?? commonBackend(op, inputs);
  throw new BackendUnavailableError(`backend '${nameOf(b)}' has no kernel for the required op '${op}'`, 'ERR_MISSING_KERNEL');
}

/** Write the contiguous content of `src` into a strided window of `dst`'s storage (copy kernel). */
export function copyInto(dst: Tensor, window: Layout, src: Tensor): void {
  const b = commonBackend('copy', [dst, src]);
  const kernel = kernelFor(b, 'copy');
  if (!kernel) throw new BackendUnavailableError(`backend '${nameOf(b)}' has no kernel for the required op 'copy'`);
  const s = src.dtype === dst.dtype ? src : castRaw(src, dst.dtype);
  try {
    kernel.run({
      backend: b,
      inputs: [viewOf(s)],
      outputs: [{ ...viewOf(dst), shape: window.shape, strides: window.strides, offset: window.offset }],
      attrs: {},
    });
  } finally {
    if (s !== src) s.dispose();
  }
}
