import { BYTES_PER_ELEMENT, isFloat, storageView, toNumbers, type DType, type StorageArray } from './dtype.js';
import {
  engineState, contiguousRaw, nameOf, onTensorCreated, onTensorDisposed, release, retain, keep, viewOf, watch, type Storage,
} from './engine.js';
import { ArgumentError, DTypeError, GradError, ShapeError, SyncReadError } from './errors.js';
import { formatTensor } from './format.js';
import { isContiguous, numel, type Layout } from './layout.js';
import type { Operand } from './ops/elementwise.js';
import type { Axis } from './ops/reduce.js';


/** A node of the autograd graph: the op that made a tensor and how to send gradients back. */
export interface GradNode {
  readonly op: string;
  inputs: Tensor[];
  /** Gradients for each input (null where none flows) given the output gradient. */
  backward: ((grad: Tensor) => (Tensor | null)[]) | null;
}

/** An n-d array on one backend. Movement ops are views sharing `storage`. */
export class Tensor {
  readonly id = engineState.nextTensorId++;
  readonly shape: number[];
  readonly strides: number[];
  readonly offset: number;
  /** @internal */ storage: Storage;
  /** @internal autograd node that produced this tensor */ node: GradNode | null = null;
  /** @internal intermediates of the op that made this tensor, kept for its backward; freed with it */
  owned: Tensor[] | null = null;
  private _requiresGrad = false;
  private _grad: Tensor | null = null;
  private _disposed = false;

  // ---- method forms of the ops (attached in methods.ts) ----
  declare add: (b: Operand) => Tensor;
  declare sub: (b: Operand) => Tensor;
  declare mul: (b: Operand) => Tensor;
  declare div: (b: Operand) => Tensor;
  declare pow: (b: Operand) => Tensor;
  declare maximum: (b: Operand) => Tensor;
  declare minimum: (b: Operand) => Tensor;
  declare lt: (b: Operand) => Tensor;
  declare le: (b: Operand) => Tensor;
  declare gt: (b: Operand) => Tensor;
  declare ge: (b: Operand) => Tensor;
  declare eq: (b: Operand) => Tensor;
  declare ne: (b: Operand) => Tensor;
  declare logicalNot: () => Tensor;
  declare neg: () => Tensor;
  declare exp: () => Tensor;
  declare log: () => Tensor;
  declare sqrt: () => Tensor;
  declare rsqrt: () => Tensor;
  declare sin: () => Tensor;
  declare cos: () => Tensor;
  declare tanh: () => Tensor;
  declare abs: () => Tensor;
  declare sigmoid: () => Tensor;
  declare relu: () => Tensor;
  declare silu: () => Tensor;
  declare erf: () => Tensor;
  declare square: () => Tensor;
  declare reciprocal: () => Tensor;
  declare sign: () => Tensor;
  declare gelu: (opts?: { approximate?: 'none' | 'tanh' }) => Tensor;
  declare clamp: (min?: number | Tensor, max?: number | Tensor) => Tensor;
  declare maskedFill: (mask: Tensor, value: number) => Tensor;
  declare tril: (diagonal?: number) => Tensor;
  declare triu: (diagonal?: number) => Tensor;
  /** Cast to a dtype, or copy to another backend by name. */
  declare to: (dtypeOrBackend: DType | string) => Tensor;
  declare sum: (axis?: Axis, keepDim?: boolean) => Tensor;
  declare mean: (axis?: Axis, keepDim?: boolean) => Tensor;
  declare max: (axis?: Axis, keepDim?: boolean) => Tensor;
  declare min: (axis?: Axis, keepDim?: boolean) => Tensor;
  declare argmax: (axis?: number, keepDim?: boolean) => Tensor;
  declare var: (axis?: Axis, keepDim?: boolean, correction?: number) => Tensor;
  declare std: (axis?: Axis, keepDim?: boolean, correction?: number) => Tensor;
  declare logSumExp: (axis: Axis, keepDim?: boolean) => Tensor;
  declare matmul: (b: Tensor) => Tensor;
  declare softmax: (axis?: number) => Tensor;
  declare logSoftmax: (axis?: number) => Tensor;
  declare gather: (dim: number, index: Tensor) => Tensor;
  declare indexSelect: (dim: number, index: Tensor) => Tensor;
  declare scatterAdd: (dim: number, index: Tensor, src: Tensor) => Tensor;
  declare reshape: (shape: readonly number[]) => Tensor;
  declare view: (shape: readonly number[]) => Tensor;
  /** permute([2, 0, 1]) or permute(2, 0, 1). */
  declare permute: (...dims: (number | readonly number[])[]) => Tensor;
  declare transpose: (d0?: number, d1?: number) => Tensor;
  declare expand: (shape: readonly number[]) => Tensor;
  declare broadcastTo: (shape: readonly number[]) => Tensor;
  declare slice: (dim: number, start?: number, end?: number, step?: number) => Tensor;
  declare narrow: (dim: number, start: number, length: number) => Tensor;
  declare squeeze: (dim?: number | number[]) => Tensor;
  declare unsqueeze: (dim: number) => Tensor;
  declare flatten: (startDim?: number, endDim?: number) => Tensor;
  declare contiguous: () => Tensor;
  declare clone: () => Tensor;
  declare split: (sizeOrSections: number | readonly number[], dim?: number) => Tensor[];
  declare chunk: (chunks: number, dim?: number) => Tensor[];
  /** A tensor sharing this one's data, cut from the autograd graph. */
  declare detach: () => Tensor;
  /** Transpose of a 2-d tensor (PyTorch's `.T`, here for ndim ≤ 2 only, as PyTorch now requires). */
  declare readonly T: Tensor;
  /** The last two dims swapped (PyTorch's `.mT`). */
  declare readonly mT: Tensor;
  declare float: () => Tensor;
  declare half: () => Tensor;
  declare bfloat16: () => Tensor;
  declare int: () => Tensor;
  declare bool: () => Tensor;
  /** Nested arrays (PyTorch's `tolist()`; synchronous read, as `arraySync()`). */
  declare tolist: () => NestedArray;
  /** backward(), backward(gradient), backward(gradient, retainGraph), backward({ retainGraph }). */
  declare backward: (gradient?: Tensor | { retainGraph?: boolean }, opts?: { retainGraph?: boolean } | boolean) => void;
  declare zerosLike: () => Tensor;
  declare onesLike: () => Tensor;
  declare fullLike: (value: number) => Tensor;
  /** `using x = ...`: disposed at the end of the enclosing block. */
  declare [Symbol.dispose]: () => void;

  constructor(storage: Storage, layout: Layout, readonly dtype: DType) {
    this.storage = storage;
    this.shape = [...layout.shape];
    this.strides = [...layout.strides];
    this.offset = layout.offset;
    retain(storage);
    onTensorCreated(this);
  }

  get ndim(): number { return this.shape.length; }
  /** Number of dims (PyTorch's `dim()`). */
  dim(): number { return this.shape.length; }
  /** Number of elements (PyTorch's `numel()`; same as `size`). */
  numel(): number { return numel(this.shape); }
  /** Number of elements. */
  get size(): number { return numel(this.shape); }
  /** Name of the backend holding the data. */
  get backend(): string { return nameOf(this.storage.backend); }
  get isDisposed(): boolean { return this._disposed; }
  isContiguous(): boolean { return isContiguous(this); }

  /** True when gradients flow to or through this tensor. */
  get requiresGrad(): boolean { return this._requiresGrad; }
  set requiresGrad(v: boolean) {
    if (v && !isFloat(this.dtype)) {
      throw new DTypeError(`requiresGrad: only float tensors can require gradients (this one is ${this.dtype})`);
    }
    if (!v && this.node) throw new GradError('requiresGrad: cannot turn it off on a non-leaf tensor; use detach()');
    this._requiresGrad = v;
  }

  /** Accumulated gradient of a leaf. Assigning replaces (and disposes) the previous one. */
  get grad(): Tensor | null { return this._grad; }
  set grad(g: Tensor | null) {
    if (g === this._grad) return;
    if (g && (g.dtype !== this.dtype || g.shape.join() !== this.shape.join())) {
      throw new ShapeError(`grad: expected ${this.dtype} [${this.shape}], got ${g.dtype} [${g.shape}]`);
    }
    this._grad?.dispose();
    this._grad = g ? keep(g) : null;
  }

  /** @internal set by autograd */
  markRequiresGrad(node: GradNode): void {
    this.node = node;
    this._requiresGrad = true;
  }

  /** Free this tensor's hold on its storage now (and the intermediates its op kept for backward). */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    release(this.storage);
    onTensorDisposed(this);
    this.releaseOwned();
  }

  /** @internal free the intermediates kept for backward (after dispose, or once backward freed the graph) */
  releaseOwned(): void {
    const owned = this.owned;
    if (!owned) return;
    this.owned = null;
    for (const t of owned) t.dispose();
  }

  /**
   * Replace this tensor's content with `src`'s (same shape, dtype, backend), keeping its identity
   * (requiresGrad, grad): how optimizers update parameters.
   */
  assign(src: Tensor): this {
    viewOf(this);
    viewOf(src);
    if (src.shape.join() !== this.shape.join() || src.dtype !== this.dtype) {
      throw new ShapeError(`assign: expected ${this.dtype} [${this.shape}], got ${src.dtype} [${src.shape}]`);
    }
    if (src.storage.backend !== this.storage.backend) {
      throw new ArgumentError(`assign: source lives on '${src.backend}', target on '${this.backend}'`);
    }
    retain(src.storage);
    release(this.storage);
    this.storage = src.storage;
    watch(this);
    (this as { strides: number[] }).strides = [...src.strides];
    (this as { offset: number }).offset = src.offset;
    return this;
  }

  /** A fresh typed array of the raw data (float16/bfloat16 as Uint16Array bits). */
  async data(): Promise<StorageArray> {
    const [c, off, len] = readRange(this);
    try {
      const bytes = await c.storage.backend.storage.read(c.storage.id, off, len);
      return storageView(this.dtype, bytes); // read() hands over a fresh copy
    } finally {
      if (c !== this) c.dispose();
    }
  }

  /** Synchronous `data()`, where the backend can read synchronously. */
  dataSync(): StorageArray {
    const [c, off, len] = readRange(this);
    try {
      const st = c.storage.backend.storage;
      if (!st.readSync) {
        throw new SyncReadError(`backend '${this.backend}' reads asynchronously: use \`await t.data()\` instead of dataSync()`);
      }
      return storageView(this.dtype, st.readSync(c.storage.id, off, len));
    } finally {
      if (c !== this) c.dispose();
    }
  }

  /** Values as numbers (float16/bfloat16 decoded). */
  async numbers(): Promise<ReturnType<typeof toNumbers>> {
    return toNumbers(this.dtype, await this.data());
  }

  numbersSync(): ReturnType<typeof toNumbers> {
    return toNumbers(this.dtype, this.dataSync());
  }

  /** Nested arrays (numbers, or booleans for bool). */
  async array(): Promise<NestedArray> {
    return nest(this.shape, toNumbers(this.dtype, await this.data()), this.dtype === 'bool');
  }

  arraySync(): NestedArray {
    return nest(this.shape, toNumbers(this.dtype, this.dataSync()), this.dtype === 'bool');
  }

  /** The value of a one-element tensor as a number (bool gives 0 / 1); a synchronous read. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`item: needs a tensor with one element, got shape [${this.shape}]`);
    return toNumbers(this.dtype, this.dataSync())[0]!;
  }

  toString(): string {
    if (this._disposed) return `tensor(<disposed>, dtype=${this.dtype})`;
    let values: ArrayLike<number> | null = null;
    try {
      values = this.numbersSync();
    } catch (e) {
      if (!(e instanceof SyncReadError)) throw e;
    }
    return formatTensor(this, values);
  }
}

// Recognised across copies of core (an ESM and a CJS build in one process): see isTensor().
Object.defineProperty(Tensor.prototype, Symbol.for('@tessera/core/tensor'), { value: true }); // = TENSOR_BRAND (not imported: an import cycle)

// `using t = ...` (TypeScript ≥ 5.2, Node ≥ 24) disposes at the end of the block; the fallback key is
// the one TypeScript's downlevel `using` looks up where the runtime has no Symbol.dispose.
const DISPOSE: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');
Object.defineProperty(Tensor.prototype, DISPOSE, {
  value: function (this: Tensor) { this.dispose(); }, writable: true, configurable: true,
});

/** A contiguous tensor holding `t`'s values (t itself when it is one) and the byte range to read. */
function readRange(t: Tensor): [Tensor, number, number] {
  viewOf(t);
  const c = contiguousRaw(t);
  const bpe = BYTES_PER_ELEMENT[t.dtype];
  return [c, c.offset * bpe, t.size * bpe];
}

export type NestedArray = number | boolean | NestedArray[];

function nest(shape: readonly number[], v: ArrayLike<number>, bool: boolean): NestedArray {
  const conv = (x: number) => (bool ? x !== 0 : x);
  if (shape.length === 0) return conv(v[0]!);
  let i = 0;
  const build = (d: number): NestedArray[] => {
    const out: NestedArray[] = [];
    for (let k = 0; k < shape[d]!; k++) out.push(d === shape.length - 1 ? conv(v[i++]!) : build(d + 1));
    return out;
  };
  return build(0);
}
