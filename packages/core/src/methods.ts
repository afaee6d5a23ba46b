/** Method forms of the ops (`a.add(b)`), attached to Tensor by declaration merging. */
import { backward } from './autograd.js';
import { BYTES_PER_ELEMENT, DTYPES, type DType } from './dtype.js';
import { backendSync, contiguousRaw } from './engine.js';
import { SyncReadError } from './errors.js';
import { Tensor } from './tensor.js';
import { fromStorage, fullLike, onesLike, zerosLike } from './ops/creation.js';
import * as E from './ops/elementwise.js';
import * as M from './ops/movement.js';
import * as R from './ops/reduce.js';
import * as I from './ops/indexing.js';
import { matmul } from './ops/linalg.js';
import { softmax, logSoftmax, gelu } from './ops/nn.js';
import { storageView } from './dtype.js';

type Operand = E.Operand;
type Axis = R.Axis;

declare module './tensor.js' {
  interface Tensor {
    add(b: Operand): Tensor; sub(b: Operand): Tensor; mul(b: Operand): Tensor; div(b: Operand): Tensor;
    pow(b: Operand): Tensor; maximum(b: Operand): Tensor; minimum(b: Operand): Tensor;
    lt(b: Operand): Tensor; le(b: Operand): Tensor; gt(b: Operand): Tensor; ge(b: Operand): Tensor;
    eq(b: Operand): Tensor; ne(b: Operand): Tensor; logicalNot(): Tensor;
    neg(): Tensor; exp(): Tensor; log(): Tensor; sqrt(): Tensor; rsqrt(): Tensor; sin(): Tensor; cos(): Tensor;
    tanh(): Tensor; abs(): Tensor; sigmoid(): Tensor; relu(): Tensor; silu(): Tensor; erf(): Tensor;
    square(): Tensor; reciprocal(): Tensor; sign(): Tensor; gelu(opts?: { approximate?: 'none' | 'tanh' }): Tensor;
    clamp(min?: number | Tensor, max?: number | Tensor): Tensor; maskedFill(mask: Tensor, value: number): Tensor;
    tril(diagonal?: number): Tensor; triu(diagonal?: number): Tensor;
    /** Cast to a dtype, or copy to another backend by name. */
    to(dtypeOrBackend: DType | string): Tensor;
    sum(axis?: Axis, keepDim?: boolean): Tensor; mean(axis?: Axis, keepDim?: boolean): Tensor;
    max(axis?: Axis, keepDim?: boolean): Tensor; min(axis?: Axis, keepDim?: boolean): Tensor;
    argmax(axis?: number, keepDim?: boolean): Tensor;
    var(axis?: Axis, keepDim?: boolean, correction?: number): Tensor;
    std(axis?: Axis, keepDim?: boolean, correction?: number): Tensor;
    logSumExp(axis: Axis, keepDim?: boolean): Tensor;
    matmul(b: Tensor): Tensor; softmax(axis?: number): Tensor; logSoftmax(axis?: number): Tensor;
    gather(dim: number, index: Tensor): Tensor; indexSelect(dim: number, index: Tensor): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    reshape(shape: readonly number[]): Tensor; view(shape: readonly number[]): Tensor;
    permute(dims: readonly number[]): Tensor; transpose(d0?: number, d1?: number): Tensor;
    expand(shape: readonly number[]): Tensor; broadcastTo(shape: readonly number[]): Tensor;
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    squeeze(dim?: number | number[]): Tensor; unsqueeze(dim: number): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    contiguous(): Tensor; clone(): Tensor;
    split(sizeOrSections: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    /** A tensor sharing this one's data, cut from the autograd graph. */
    detach(): Tensor;
    backward(gradient?: Tensor, opts?: { retainGraph?: boolean }): void;
    zerosLike(): Tensor; onesLike(): Tensor; fullLike(value: number): Tensor;
  }
}

const P = Tensor.prototype as unknown as Record<string, unknown>;
const self1 = (f: (x: Tensor, ...a: any[]) => unknown) => function (this: Tensor, ...a: unknown[]) { return f(this, ...a); };

const forwarded: Record<string, (x: Tensor, ...a: any[]) => unknown> = {
  add: E.add, sub: E.sub, mul: E.mul, div: E.div, pow: E.pow, maximum: E.maximum, minimum: E.minimum,
  lt: E.lt, le: E.le, gt: E.gt, ge: E.ge, eq: E.eq, ne: E.ne, logicalNot: E.logicalNot,
  neg: E.neg, exp: E.exp, log: E.log, sqrt: E.sqrt, rsqrt: E.rsqrt, sin: E.sin, cos: E.cos, tanh: E.tanh,
  abs: E.abs, sigmoid: E.sigmoid, relu: E.relu, silu: E.silu, erf: E.erf, square: E.square,
  reciprocal: E.reciprocal, sign: E.sign, gelu, clamp: E.clamp, maskedFill: E.maskedFill,
  tril: I.tril, triu: I.triu,
  sum: R.sum, mean: R.mean, max: R.max, min: R.min, argmax: R.argmax, var: R.variance, std: R.std,
  logSumExp: R.logSumExp, matmul, softmax, logSoftmax,
  gather: I.gather, indexSelect: I.indexSelect, scatterAdd: I.scatterAdd,
  reshape: M.reshape, view: M.view, permute: M.permute, transpose: M.transpose, expand: M.expand,
  broadcastTo: M.expand, slice: M.slice, narrow: M.narrow, squeeze: M.squeeze, unsqueeze: M.unsqueeze,
  flatten: M.flatten, contiguous: M.contiguous, clone: M.clone, split: M.split, chunk: M.chunk,
  zerosLike, onesLike, fullLike,
};
for (const [name, f] of Object.entries(forwarded)) P[name] = self1(f);

P.backward = function (this: Tensor, gradient?: Tensor, opts?: { retainGraph?: boolean }) {
  backward(this, gradient, opts);
};

P.detach = function (this: Tensor) {
  return new Tensor(this.storage, this, this.dtype);
};

P.to = function (this: Tensor, target: string) {
  if ((DTYPES as readonly string[]).includes(target)) return E.cast(this, target as DType);
  return toBackend(this, target);
};

/** Copy to another backend (synchronous read of the source). */
function toBackend(t: Tensor, name: string): Tensor {
  const dst = backendSync(name);
  if (dst === t.storage.backend) return t;
  const c = contiguousRaw(t);
  const src = c.storage.backend.storage;
  if (!src.readSync) {
    throw new SyncReadError(`to('${name}'): backend '${t.backend}' reads asynchronously; use \`tensor(await t.data(), {shape, dtype, backend})\``);
  }
  const bpe = BYTES_PER_ELEMENT[t.dtype];
  const bytes = src.readSync(c.storage.id, c.offset * bpe, t.size * bpe);
  if (c !== t) c.dispose();
  return fromStorage(storageView(t.dtype, bytes.slice()), t.shape, t.dtype, dst);
}
