/**
 * Kernel dispatch: views of tensors for kernels, output allocation, the dtype fallback and the
 * contiguity guarantees of the contract; temporaries are freed here.
 */
import type { Backend, KernelConfig, OpAttrs, OpName, TensorView } from '../backend.js';
import { BYTES_PER_ELEMENT, isFloat, type DType } from '../dtype.js';
import { BackendMismatchError, BackendUnavailableError, DisposedError, TesseraError } from '../errors.js';
import { contiguousStrides, isContiguous, numel, type Layout } from '../layout.js';
import { Tensor } from '../tensor.js';
import { allocStorage } from './memory.js';
import { getBackend, kernelFor, nameOf } from './registry.js';

/** Throw DisposedError naming the function and argument when `t` was disposed. */
export function assertLive(t: Tensor, fnName: string, argName = 'x'): void {
  if (t.isDisposed || t.storage.freed) throw new DisposedError(`${fnName}: argument '${argName}' (a ${t.dtype} tensor of shape [${t.shape.join(', ')}]) was used after dispose()`);
}

export function viewOf(t: Tensor, op = 'an op'): TensorView {
  if (t.isDisposed || t.storage.freed) throw new DisposedError(`${op}: a ${t.dtype} tensor of shape [${t.shape.join(', ')}] was used after dispose()`);
  return { data: t.storage.id, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset };
}

export function emptyTensor(b: Backend, shape: readonly number[], dtype: DType, fn = 'allocate'): Tensor {
  const n = numel(shape);
  const s = allocStorage(b, n * BYTES_PER_ELEMENT[dtype], { fn, shape, dtype });
  return new Tensor(s, { shape: [...shape], strides: contiguousStrides(shape), offset: 0 }, dtype);
}

/** The backend shared by `tensors` (error if they differ). */
export function commonBackend(op: string, tensors: readonly Tensor[]): Backend {
  let b: Backend | undefined;
  for (const t of tensors) {
    if (t.isDisposed || t.storage.freed) viewOf(t, op);
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
  const outTensors = outs.map((o) => emptyTensor(b, o.shape, fb && !keepsOut && o.dtype === dataType ? fb : o.dtype, op));
  try {
    kernel.run({ backend: b, inputs: prepared.map((t) => viewOf(t, op)), outputs: outTensors.map((t) => viewOf(t, op)), attrs });
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
      inputs: [viewOf(s, 'copy')],
      outputs: [{ ...viewOf(dst, 'copy'), shape: window.shape, strides: window.strides, offset: window.offset }],
      attrs: {},
    });
  } finally {
    if (s !== src) s.dispose();
  }
}
