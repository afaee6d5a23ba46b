/** Method forms of the ops (`a.add(b)`), attached to Tensor by declaration merging. */
import { backward } from './autograd.js';
import { BYTES_PER_ELEMENT, DTYPES, type DType } from './dtype.js';
import { backendSync, contiguousRaw, isTensor, method, op, setter } from './engine.js';
import { ArgumentError, ShapeError, SyncReadError } from './errors.js';
import { describe } from './format.js';
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

// The ops' method forms: `a.add(b)` is `add(a, b)`, checked and scoped by the op itself.
const forwarded: Record<string, (x: Tensor, ...a: never[]) => unknown> = {
  add: E.add, sub: E.sub, mul: E.mul, div: E.div, pow: E.pow, maximum: E.maximum, minimum: E.minimum,
  lt: E.lt, le: E.le, gt: E.gt, ge: E.ge, eq: E.eq, ne: E.ne, logicalNot: E.logicalNot,
  neg: E.neg, exp: E.exp, log: E.log, sqrt: E.sqrt, rsqrt: E.rsqrt, sin: E.sin, cos: E.cos, tanh: E.tanh,
  abs: E.abs, sigmoid: E.sigmoid, relu: E.relu, silu: E.silu, erf: E.erf, square: E.square,
  reciprocal: E.reciprocal, sign: E.sign, gelu, clamp: E.clamp, maskedFill: E.maskedFill,
  tril: I.tril, triu: I.triu,
  sum: R.sum, mean: R.mean, max: R.max, min: R.min, argmax: R.argmax, var: R.varOp, std: R.std,
  logSumExp: R.logSumExp, matmul, softmax, logSoftmax,
  gather: I.gather, indexSelect: I.indexSelect, scatterAdd: I.scatterAdd,
  reshape: M.reshape, view: M.view, permute: M.permute, transpose: M.transpose, expand: M.expand,
  broadcastTo: M.broadcastTo, slice: M.slice, narrow: M.narrow, squeeze: M.squeeze, unsqueeze: M.unsqueeze,
  flatten: M.flatten, contiguous: M.contiguous, clone: M.clone, split: M.split, chunk: M.chunk,
  zerosLike, onesLike, fullLike,
};
for (const [name, f] of Object.entries(forwarded)) P[name] = self1(f);

P.backward = function (this: Tensor, gradient?: Tensor | { retainGraph?: boolean }, opts?: { retainGraph?: boolean } | boolean) {
  backward(this, gradient, opts);
};

const T = op('T', 'this:tensor', (t: Tensor) => {
  if (t.ndim > 2) throw new ShapeError(`T: needs a tensor of at most 2 dims, got shape [${t.shape.join(', ')}]; use .mT or permute()`);
  return t.ndim < 2 ? t : M.transpose(t, 0, 1);
});
const mT = op('mT', 'this:tensor', (t: Tensor) => {
  if (t.ndim < 2) throw new ShapeError(`mT: needs a tensor of at least 2 dims, got shape [${t.shape.join(', ')}]`);
  return M.transpose(t, -2, -1);
});
Object.defineProperty(P, 'T', { get(this: Tensor) { return T(this); } });
Object.defineProperty(P, 'mT', { get(this: Tensor) { return mT(this); } });

const castMethod = (name: string, d: DType) => {
  const f = op(name, 'this:tensor', (t: Tensor) => E.cast(t, d));
  return function (this: Tensor) { return f(this); };
};
P.float = castMethod('float', 'float32');
P.half = castMethod('half', 'float16');
P.bfloat16 = castMethod('bfloat16', 'bfloat16');
P.int = castMethod('int', 'int32');
P.bool = castMethod('bool', 'bool');
P.tolist = self1(op('tolist', 'this:tensor', (t: Tensor) => t.arraySync()));
/** A tensor sharing this one's data, cut from the autograd graph. */
P.detach = self1(op('detach', 'this:tensor', (t: Tensor) => new Tensor(t.storage, t, t.dtype)));
P.to = self1(op('to', 'this:tensor, target:string', (t: Tensor, target: string) => {
  if ((DTYPES as readonly string[]).includes(target)) return E.cast(t, target as DType);
  return toBackend(t, target);
}));

// The methods written in the class, behind the same boundary.
method(P, 'dim', 'this:tensor');
method(P, 'numel', 'this:tensor');
method(P, 'isContiguous', 'this:tensor');
method(P, 'dispose', 'this:anyTensor', 'callback');
method(P, 'assign', 'this:tensor, src:tensor');
for (const m of ['data', 'numbers', 'array']) method(P, m, 'this:tensor', 'async');
for (const m of ['dataSync', 'numbersSync', 'arraySync', 'item']) method(P, m, 'this:tensor');
method(P, 'toString', 'this:anyTensor');
// Plain getters only read fields: a brand check is all they need (they run on every op's hot path).
for (const name of ['ndim', 'size', 'backend', 'isDisposed', 'requiresGrad', 'grad']) getterOnTensors(P, name);
setter(P, 'requiresGrad', 'this:tensor, value:bool');
setter(P, 'grad', 'this:tensor, value:tensor|null');
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

function getterOnTensors(proto: Record<string, unknown>, name: string): void {
  const d = Object.getOwnPropertyDescriptor(proto, name)!;
  const get = d.get!;
  Object.defineProperty(proto, name, {
    ...d,
    get(this: unknown) {
      if (!isTensor(this)) throw new ArgumentError(`${name}: read from ${describe(this)}, which is not a Tensor`);
      return get.call(this);
    },
  });
}
