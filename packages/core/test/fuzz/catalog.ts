// A good call of every public function and Tensor method of @tessera/core, from which the fuzz
// mutates. A new export without an entry here fails the coverage test.
import * as core from '@tessera/core';
import type { Tensor } from '@tessera/core';

/** Tensors every case starts from (made fresh per case, so in-place calls cannot leak between cases). */
export interface Pool {
  f: Tensor; g: Tensor; h: Tensor; i: Tensor; b: Tensor; s: Tensor; e: Tensor; q: Tensor; m: Tensor;
  v: Tensor; ix: Tensor; t2: Tensor; col: Tensor; pos: Tensor; loss: Tensor; d: Tensor; w: Tensor;
}

export function makePool(): Pool {
  const { tensor, randn, rand, ones, zeros } = core;
  const g = randn([2, 3], { seed: 2 });
  g.requiresGrad = true;
  const d = ones([2]);
  d.dispose();
  const loss = core.tidy(() => g.mul(g).sum());
  return {
    f: randn([2, 3], { seed: 1 }), g, h: randn([2, 3], { seed: 3, dtype: 'float16' }),
    i: tensor([0, 2, 1], { dtype: 'int32' }), b: rand([2, 3], { seed: 4 }).gt(0.5), s: tensor(0.5),
    e: zeros([0, 3]), q: randn([1, 2, 4], { seed: 5 }), m: randn([3, 3], { seed: 6 }), v: randn([3], { seed: 7 }),
    ix: tensor([[1], [0]], { dtype: 'int32' }), t2: tensor([0, 2], { dtype: 'int32' }), col: ones([2, 1]),
    pos: rand([3], { seed: 8 }), loss, d, w: zeros([2, 3]),
  };
}

/** The Tensor methods' receivers live in args[0]. */
type Args = (p: Pool) => unknown[];

const backend = () => core.getBackend();
const unary = (p: Pool) => [p.f];
const binary = (p: Pool) => [p.f, p.g];

export const FUNCTIONS: Record<string, Args> = {
  // elementwise
  add: binary, sub: binary, mul: binary, div: binary, pow: (p) => [p.pos, 2], maximum: binary, minimum: binary,
  lt: binary, le: binary, gt: binary, ge: binary, eq: binary, ne: binary,
  logicalNot: (p) => [p.b], logicalAnd: (p) => [p.b, p.b], logicalOr: (p) => [p.b, p.f],
  neg: unary, exp: unary, log: (p) => [p.pos], sqrt: (p) => [p.pos], rsqrt: (p) => [p.pos], sin: unary, cos: unary,
  tanh: unary, abs: unary, sigmoid: unary, erf: unary, relu: unary, silu: unary, square: unary, reciprocal: unary,
  sign: unary, where: (p) => [p.b, p.f, 0], clamp: (p) => [p.f, -0.5, 0.5], maskedFill: (p) => [p.f, p.b, 0],
  cast: (p) => [p.f, 'float16'],
  // movement
  reshape: (p) => [p.f, [3, 2]], view: (p) => [p.f, [3, 2]], permute: (p) => [p.f, [1, 0]], transpose: (p) => [p.f, 0, 1],
  expand: (p) => [p.v, [2, 3]], broadcastTo: (p) => [p.v, [2, 3]], slice: (p) => [p.f, 1, 0, 2], narrow: (p) => [p.f, 1, 0, 2],
  squeeze: (p) => [p.q, 0], unsqueeze: (p) => [p.f, 0], flatten: (p) => [p.q], contiguous: (p) => [p.f.T],
  clone: unary, cat: (p) => [[p.f, p.g], 0], stack: (p) => [[p.f, p.g], 1], split: (p) => [p.f, 1, 1],
  chunk: (p) => [p.f, 3, 1], pad: (p) => [p.f, [1, 1]],
  // reductions
  sum: (p) => [p.f, 1, true], mean: (p) => [p.f, 1], max: (p) => [p.f, 1], min: (p) => [p.f], argmax: (p) => [p.f, 1],
  var: (p) => [p.f, 1], variance: (p) => [p.f, 1], std: (p) => [p.f, 1, true, 0], logSumExp: (p) => [p.f, 1],
  // linalg, indexing
  matmul: (p) => [p.f, p.m], gather: (p) => [p.f, 1, p.ix], indexSelect: (p) => [p.f, 1, p.i],
  embedding: (p) => [p.i, p.m], scatterAdd: (p) => [p.w, 1, p.ix, p.col], tril: (p) => [p.m, 0], triu: (p) => [p.m, 1],
  sliceAssign: (p) => [p.w, 1, 1, p.col],
  // nn
  softmax: (p) => [p.f, -1], logSoftmax: (p) => [p.f, 0], layerNorm: (p) => [p.f, [3], p.v, p.v],
  rmsNorm: (p) => [p.f, [3], p.v], gelu: (p) => [p.f, { approximate: 'tanh' }], crossEntropy: (p) => [p.g, p.t2],
  dropout: (p) => [p.f, 0.5, { seed: 1 }], scaledDotProductAttention: (p) => [p.q, p.q, p.q, { isCausal: true }],
  adamwUpdate: (p) => [p.v, p.v, p.v, p.pos, { lr: 0.1, step: 1 }],
  // creation
  tensor: () => [[1, 2]], scalar: () => [1], zeros: () => [[2]], ones: () => [[2], 'int32'], full: () => [[2], 1],
  zerosLike: unary, onesLike: unary, fullLike: (p) => [p.f, 2], arange: () => [5], eye: () => [2],
  rand: () => [[2], { seed: 1 }], randn: () => [[2]], randint: () => [0, 5, [3]], manualSeed: () => [7],
  getRngState: () => [], setRngState: () => [{ seed: 1, offset: 0 }],
  fromStorage: () => [new Float32Array(2), [2], 'float32', backend()], resolveBackend: () => [undefined],
  randomRaw: () => [[2], 'uniform', backend()], nextRandomKey: () => [3],
  fromByteChunks: () => [[2], 'float32', (write: (b: Uint8Array, o: number) => void) => { write(new Uint8Array(4), 0); write(new Uint8Array(4), 4); }],
  // engine, autograd
  registerBackend: () => ['fuzz-never-started', () => { throw new Error('not a backend'); }, -100],
  setBackend: () => [backend().name], getBackend: () => [], listBackends: () => [], initBackend: () => [backend().name],
  ready: () => [], tidy: () => [() => 1], keep: (p) => [p.f], memory: () => [], isTensor: (p) => [p.f],
  // These raise errors in the caller's name: the caller here is the fuzz, under their own names.
  assertLive: (p) => [p.f, 'assertLive'], checkAllocation: () => ['checkAllocation', [2], 'float32'],
  backward: (p) => [p.loss], noGrad: () => [() => 1], grad: () => [(x: Tensor) => x.sum()],
  valueAndGrad: () => [(x: Tensor) => x.sum()], isGradEnabled: () => [],
  // dtype, layout, format, platform, kernels
  assertDType: () => ['float32', 'assertDType'], isFloat: () => ['float32'], isInt: () => ['int32'], promoteTypes: () => ['float32', 'int32'],
  storageView: () => ['float32', new Uint8Array(8)], toNumbers: () => ['float16', new Uint16Array(2)],
  fromNumbers: () => ['bfloat16', [1, 2]], allocStorage: () => ['int8', 3],
  f16ToF32: () => [15360], f32ToF16: () => [1.5], bf16ToF32: () => [16256], f32ToBf16: () => [1.5],
  numel: () => [[2, 3]], contiguousStrides: () => [[2, 3]], broadcastShapes: () => [[2, 1], [1, 3]],
  coalesce: () => [[2, 3], [[3, 1]]], rows: () => [{ shape: [2, 3] }], coalesceForKernel: () => ['coalesceForKernel', [2, 3], [[3, 1]]],
  formatTensor: (p) => [p.f, null], describe: (p) => [p.f], nodeBuiltin: () => ['node:os'], defaultThreads: () => [],
  defineKernel: () => ['add', { run() {} }],
};

/** Tensor methods (receiver first); the ops' method forms take the function's arguments. */
export const METHODS: Record<string, Args> = {
  dim: unary, numel: unary, isContiguous: unary, dispose: (p) => [p.w], assign: (p) => [p.w, p.f],
  data: unary, dataSync: unary, numbers: unary, numbersSync: unary, array: unary, arraySync: unary,
  item: (p) => [p.s], toString: unary, backward: (p) => [p.loss], float: (p) => [p.h], half: unary, bfloat16: unary,
  int: unary, bool: unary, tolist: unary, detach: (p) => [p.g], to: (p) => [p.f, 'float16'],
  zerosLike: unary, onesLike: unary, fullLike: (p) => [p.f, 3],
};
for (const name of Object.keys(FUNCTIONS)) {
  if (typeof (core.Tensor.prototype as unknown as Record<string, unknown>)[name] === 'function' && !(name in METHODS)) {
    METHODS[name] = FUNCTIONS[name]!;
  }
}

/** Accessors: getters read, setters assigned (`t.requiresGrad = v`). */
export const GETTERS = ['ndim', 'size', 'backend', 'isDisposed', 'requiresGrad', 'grad', 'T', 'mT'] as const;
export const SETTERS: Record<string, Args> = {
  requiresGrad: (p) => [p.f, true],
  grad: (p) => [p.g, p.f],
};

/** Internal members of the prototype that are not user API. */
export const INTERNAL_MEMBERS = ['constructor', 'markRequiresGrad', 'releaseOwned'];

/** Exports that are classes or constants, not functions a user calls. */
export const isClassExport = (v: unknown): boolean =>
  typeof v === 'function' && (v === core.Tensor || v === core.TesseraError || (v as { prototype?: unknown }).prototype instanceof core.TesseraError);
