/** Method forms of the ops (`a.add(b)`), attached to Tensor by declaration merging. */
import { backward } from './autograd.js';
import { BYTES_PER_ELEMENT, DTYPES, type DType } from './dtype.js';
import { backendSync, contiguousRaw } from './engine.js';
import { ShapeError, SyncReadError } from './errors.js';
import { Tensor } from './tensor.js';
import { fromStorage, fullLike, onesLike, zerosLike } from './ops/creation.js';
import * as E from './ops/elementwise.js';
import * as M from './ops/movement.js';
import * as R from './ops/reduce.js';
import * as I from './ops/indexing.js';
import { matmul } from './ops/linalg.js';
import { softmax, logSoftmax, gelu } from './ops/nn.js';
import { storageView } from './dtype.js';


const P = Tensor.prototype as unknown as Record<string, unknown>;
const self1 = (f: (x: Tensor, ...a: never[]) => unknown) => function (this: Tensor, ...a: unknown[]) { return f(this, ...(a as never[])); };

const forwarded: Record<string, (x: Tensor, ...a: never[]) => unknown> = {
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

P.backward = function (this: Tensor, gradient?: Tensor | { retainGraph?: boolean }, opts?: { retainGraph?: boolean } | boolean) {
  backward(this, gradient, opts);
};

Object.defineProperty(P, 'T', {
  get(this: Tensor) {
    if (this.ndim > 2) throw new ShapeError(`T: needs a tensor of at most 2 dims, got shape [${this.shape.join(', ')}]; use .mT or permute()`);
    return this.ndim < 2 ? this : M.transpose(this, 0, 1);
  },
});
Object.defineProperty(P, 'mT', {
  get(this: Tensor) {
    if (this.ndim < 2) throw new ShapeError(`mT: needs a tensor of at least 2 dims, got shape [${this.shape.join(', ')}]`);
    return M.transpose(this, -2, -1);
  },
});
const castTo = (d: DType) => function (this: Tensor) { return E.cast(this, d); };
P.float = castTo('float32');
P.half = castTo('float16');
P.bfloat16 = castTo('bfloat16');
P.int = castTo('int32');
P.bool = castTo('bool');
P.tolist = function (this: Tensor) { return this.arraySync(); };

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
  return fromStorage(storageView(t.dtype, bytes), t.shape, t.dtype, dst);
}
