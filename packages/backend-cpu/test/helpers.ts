import { fromNumbers, storageView, toNumbers, BYTES_PER_ELEMENT, type DType, type KernelConfig, type OpAttrs, type OpName, type TensorView } from '@tessera/core';
import { createCpuBackend, type CpuBackend } from '../src/index.js';
import { mulberry32 } from '../../../test-utils/rng.js';

export const be: CpuBackend = createCpuBackend({ threads: 1 });

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export const rng = mulberry32;

/** n random non-zero values: |x| in [0.1, 2), either sign (float32-representable). */
export function randn(n: number, r = rng(n + 7), lo = 0.1, hi = 2): number[] {
  return Array.from({ length: n }, () => Math.fround((r() < 0.5 ? -1 : 1) * (lo + (hi - lo) * r())));
}

/** n random integers in [lo, hi), skipping 0. */
export function randint(n: number, lo: number, hi: number, r = rng(n + 11)): number[] {
  return Array.from({ length: n }, () => {
    let v = 0;
    while (v === 0) v = lo + Math.floor(r() * (hi - lo));
    return v;
  });
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]; }
  return s;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A view over storage holding `storage` (numbers, encoded for dtype), with any strides / offset. */
export function view(
  dtype: DType, storage: ArrayLike<number>, shape: readonly number[],
  strides: readonly number[] = contiguousStrides(shape), offset = 0, backend: CpuBackend = be,
): TensorView {
  const data = backend.storage.alloc(Math.max(storage.length, 1) * BYTES_PER_ELEMENT[dtype]);
  const enc = fromNumbers(dtype, storage);
  backend.storage.write(data, new Uint8Array(enc.buffer, enc.byteOffset, enc.byteLength));
  return { data, dtype, shape: [...shape], strides: [...strides], offset };
}

/** A view whose storage holds raw element bits (f16 / bf16 as uint16 bit patterns). */
export function rawView(dtype: DType, bits: ArrayLike<number>, shape: readonly number[], backend: CpuBackend = be): TensorView {
  const data = backend.storage.alloc(Math.max(bits.length, 1) * BYTES_PER_ELEMENT[dtype]);
  const arr = storageView(dtype, new Uint8Array(bits.length * BYTES_PER_ELEMENT[dtype]));
  for (let i = 0; i < bits.length; i++) arr[i] = bits[i];
  backend.storage.write(data, new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
  return { data, dtype, shape: [...shape], strides: contiguousStrides(shape), offset: 0 };
}

/** A fresh contiguous output. */
export function out(dtype: DType, shape: readonly number[], backend: CpuBackend = be): TensorView {
  const data = backend.storage.alloc(Math.max(sizeOf(shape), 1) * BYTES_PER_ELEMENT[dtype]);
  return { data, dtype, shape: [...shape], strides: contiguousStrides(shape), offset: 0 };
}

/** The logical (row-major) values of a view, decoded to numbers. */
export function read(v: TensorView, backend: CpuBackend = be): number[] {
  const n = sizeOf(v.shape);
  const bytes = backend.storage.readSync(v.data, 0, (v.data as { bytes: Uint8Array }).bytes.byteLength);
  const all = toNumbers(v.dtype, storageView(v.dtype, bytes));
  return logical(Array.from(all), v.shape, v.strides, v.offset).slice(0, n);
}

/** Raw element bits of a contiguous view (f16 / bf16 as uint16). */
export function readBits(v: TensorView, backend: CpuBackend = be): number[] {
  const bytes = backend.storage.readSync(v.data, 0, sizeOf(v.shape) * BYTES_PER_ELEMENT[v.dtype]);
  return Array.from(storageView(v.dtype, bytes));
}

/** Row-major values of a strided view over `storage`. */
export function logical(storage: ArrayLike<number>, shape: readonly number[], strides: readonly number[], offset = 0): number[] {
  const outv: number[] = [];
  const idx = new Array<number>(shape.length).fill(0);
  const n = sizeOf(shape);
  for (let q = 0; q < n; q++) {
    let o = offset;
    for (let d = 0; d < shape.length; d++) o += idx[d] * strides[d];
    outv.push(storage[o]);
    for (let d = shape.length - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
  }
  return outv;
}

export function kernel<Op extends OpName>(op: Op, backend: CpuBackend = be): KernelConfig<Op> {
  const k = backend.kernels.find((c) => c.op === op);
  if (!k) throw new Error(`no cpu kernel for ${op}`);
  return k as unknown as KernelConfig<Op>;
}

/** Run one kernel on hand-made views; returns the outputs. */
export function run<Op extends OpName>(
  op: Op, inputs: TensorView[], outputs: TensorView[], attrs: OpAttrs[Op], backend: CpuBackend = be,
): TensorView[] {
  kernel(op, backend).run({ backend, inputs, outputs, attrs });
  return outputs;
}

/** Relative + absolute closeness with NaN == NaN and matching infinities; reports the first mismatch. */
export function expectClose(actual: readonly number[], expected: readonly number[], rtol = 1e-5, atol = 1e-6): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e)) continue;
    throw new Error(`mismatch at ${i}: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
  }
}

/** erf by composite Simpson quadrature of 2/√π e^(-t²): an independent float64 reference. */
export function erfRef(x: number): number {
  const steps = 2000, h = x / steps;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < steps; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((s * h) / 3) * (2 / Math.sqrt(Math.PI));
}
