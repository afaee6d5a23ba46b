/** Storage refcounts, allocation checks and the per-backend accounting behind `memory()`. */
import type { Backend, DataId } from '../backend.js';
import { BYTES_PER_ELEMENT, type DType } from '../dtype.js';
import { ArgumentError, DisposedError, OutOfMemoryError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { nameOf } from './registry.js';
import { engineState as S, type Usage } from './state.js';

/** One allocation, shared by every view of it. `freed` once the last view let go. */
export class Storage {
  refs = 0;
  freed = false;
  constructor(readonly backend: Backend, readonly id: DataId, readonly byteLength: number) {}
}

/** What an allocation is for, so an allocation failure can name the op, the shape and the dtype. */
export interface AllocationRequest { fn: string; shape: readonly number[]; dtype: DType }

/** The most a host-side typed array can hold here (V8: 2^32 elements; we count bytes to be safe). */
export const MAX_HOST_ALLOCATION_BYTES = 2 ** 32;

const fmtShape = (shape: readonly number[]) => `[${shape.join(', ')}]`;

function human(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${bytes} bytes` : `${bytes} bytes (${v.toFixed(1)} ${units[u]})`;
}

/**
 * Check that a `dtype` tensor of `shape` can be allocated in one piece of at most `limitBytes`
 * (default: what a host typed array can hold) and return its element count. Call it before
 * allocating a host-side array: an OutOfMemoryError naming the size instead of a raw RangeError.
 */
export function checkAllocation(
  fnName: string, shape: readonly number[], dtype: DType, limitBytes = MAX_HOST_ALLOCATION_BYTES,
): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ArgumentError(`${fnName}: shape ${fmtShape(shape)} has size ${String(d)} at dim ${i}; sizes are non-negative integers`);
    }
    n *= d;
  }
  const bpe = BYTES_PER_ELEMENT[dtype] ?? 4;
  const bytes = n * bpe;
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(bytes) || bytes > limitBytes) {
    throw new OutOfMemoryError(
      `${fnName}: cannot allocate a ${dtype} tensor of shape ${fmtShape(shape)}: it needs ${human(bytes)}, ` +
        `over the ${human(limitBytes)} one allocation can hold here; use smaller shapes`,
    );
  }
  return n;
}

function use(b: Backend): Usage {
  const name = nameOf(b);
  let u = S.usage.get(name);
  if (!u) S.usage.set(name, (u = { numTensors: 0, numBytes: 0, numFreedByGC: 0 }));
  return u;
}

function isOutOfMemory(e: unknown): boolean {
  if (e instanceof RangeError) return true;
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ERR_OUT_OF_MEMORY';
}

/** Allocate `byteLength` bytes on `b`; a backend's RangeError / OOM comes back as an OutOfMemoryError with context. */
export function allocStorage(b: Backend, byteLength: number, request?: AllocationRequest): Storage {
  const what = request ? `${request.dtype} tensor of shape ${fmtShape(request.shape)}` : 'tensor';
  const fn = request?.fn ?? 'allocStorage';
  if (!Number.isSafeInteger(byteLength) || byteLength < 0) {
    throw new OutOfMemoryError(`${fn}: cannot allocate ${String(byteLength)} bytes for a ${what}; the size must be a non-negative safe integer`);
  }
  let id: DataId;
  try {
    id = b.storage.alloc(Math.max(byteLength, 4));
  } catch (e) {
    if (!isOutOfMemory(e)) throw e;
    const err = new OutOfMemoryError(
      `${fn}: backend '${nameOf(b)}' could not allocate ${human(byteLength)} for a ${what} ` +
        `(${e instanceof Error ? e.message : String(e)}); free tensors (tidy, dispose) or use smaller shapes`,
    );
    (err as { cause?: unknown }).cause = e;
    throw err;
  }
  const s = new Storage(b, id, byteLength);
  use(b).numBytes += byteLength;
  return s;
}

function freedError(op: string): DisposedError {
  return new DisposedError(`${op}: this tensor's storage was already freed by dispose(); it can no longer be used`);
}

export function retain(s: Storage): void {
  if (s.freed) throw freedError('retain');
  s.refs++;
}

/** Drop one reference; the last one frees the allocation. Releasing freed storage is an error, never a second free. */
export function release(s: Storage): void {
  if (s.freed) throw freedError('release');
  if (--s.refs > 0) return;
  s.freed = true;
  use(s.backend).numBytes -= s.byteLength;
  s.backend.storage.free(s.id);
}

/**
 * Live tensors and bytes, overall and per backend, and how many tensors the garbage-collection
 * backstop freed (`numFreedByGC`: tensors the program dropped without dispose / tidy; a number that
 * keeps growing is a leak to fix, as freeing waits on the collector).
 */
export function memory(): Usage & { backends: Record<string, Usage> } {
  const backends: Record<string, Usage> = {};
  let numTensors = 0, numBytes = 0, numFreedByGC = 0;
  for (const [n, u] of S.usage) {
    backends[n] = { ...u };
    numTensors += u.numTensors;
    numBytes += u.numBytes;
    numFreedByGC += u.numFreedByGC;
  }
  return { numTensors, numBytes, numFreedByGC, backends };
}

/** What the backstop needs to free a collected tensor: never the tensor itself (that would keep it alive). */
interface Held { storage: Storage }

/**
 * The garbage-collection backstop: a tensor the program can no longer reach gives its storage
 * reference back when the collector takes it. Views share storage by reference count, and tensors
 * autograd still needs are reachable from the graph, so neither is freed early.
 */
const backstop = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<Held>((h) => {
    if (h.storage.freed) return;
    const u = use(h.storage.backend);
    u.numTensors--;
    u.numFreedByGC++;
    try { release(h.storage); } catch { /* a backend torn down already: nothing left to free */ }
  })
  : null;

/** Register (again, after `assign` swapped its storage) `t` with the backstop. */
export function watch(t: Tensor): void {
  if (!backstop) return;
  backstop.unregister(t);
  backstop.register(t, { storage: t.storage }, t);
}

export function onTensorCreated(t: Tensor): void {
  use(t.storage.backend).numTensors++;
  S.scopes[S.scopes.length - 1]?.add(t);
  backstop?.register(t, { storage: t.storage }, t);
}

export function onTensorDisposed(t: Tensor): void {
  backstop?.unregister(t);
  use(t.storage.backend).numTensors--;
  const scopes = S.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i]!.delete(t)) break;
}
