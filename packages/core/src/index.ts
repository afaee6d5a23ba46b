/**
 * @tessera/core — tensors, autograd, memory scopes and the backend contract.
 * Backends register themselves on import (e.g. `import '@tessera/backend-cpu'`).
 * Every function exported here passes through the public-op boundary (engine/op.ts): ops declare
 * their signature beside their code; the engine and helper functions are declared below.
 */
import './methods.js';
import * as B from './backend.js';
import * as D from './dtype.js';
import * as Eng from './engine.js';
import * as F from './format.js';
import * as K from './kernel-utils.js';
import * as L from './layout.js';
import * as Pl from './platform.js';
import { op } from './engine.js';

export * from './errors.js';
export {
  DTYPES, BYTES_PER_ELEMENT, type DType, type StorageArray,
} from './dtype.js';
export {
  UNARY_OPS, BINARY_OPS, REDUCE_OPS, RANDOM_DISTS, MAX_DIMS, DTYPE_CODES, UNARY_CODES, BINARY_CODES, REDUCE_CODES,
  RANDOM_DIST_CODES, REQUIRED_OPS, FUSED_OPS,
  type DataId, type TensorView, type BackendStorage, type BackendInfo, type Backend, type BackendFactory, type UnaryOp,
  type BinaryOp, type ReduceOp, type RandomDist, type OpAttrs, type OpName, type KernelArgs, type KernelConfig,
} from './backend.js';
export { Tensor, type NestedArray, type GradNode } from './tensor.js';
export { backward, noGrad, grad, valueAndGrad, isGradEnabled } from './autograd.js';
export { RULES as gradientRules } from './gradients.js';
export * from './ops/creation.js';
export {
  add, sub, mul, div, pow, neg, exp, log, sqrt, rsqrt, sin, cos, tanh, abs, sigmoid, erf, relu, silu,
  square, reciprocal, sign, maximum, minimum, lt, le, gt, ge, eq, ne, logicalNot, logicalAnd, logicalOr,
  where, clamp, maskedFill, cast, type Operand,
} from './ops/elementwise.js';
export {
  reshape, view, permute, transpose, expand, broadcastTo, slice, narrow, squeeze, unsqueeze,
  flatten, contiguous, clone, cat, stack, split, chunk, pad,
} from './ops/movement.js';
export { sum, mean, max, min, argmax, varOp as var, variance, std, logSumExp, type Axis } from './ops/reduce.js';
export { matmul } from './ops/linalg.js';
export { gather, indexSelect, embedding, scatterAdd, tril, triu } from './ops/indexing.js';
export {
  softmax, logSoftmax, layerNorm, rmsNorm, gelu, crossEntropy, dropout, scaledDotProductAttention,
  adamwUpdate, type CrossEntropyOptions, type AttentionOptions, type AdamWOptions,
} from './ops/nn.js';
export { sliceAssign } from './ops/inplace.js';
export type { Coalesced } from './layout.js';

// ---- the engine: backends, scopes, memory ----
export const registerBackend = op('registerBackend', 'name:string, factory:function, priority?:finite', Eng.registerBackend);
export const setBackend = op('setBackend', 'name:string', Eng.setBackend, 'async');
export const initBackend = op('initBackend', 'name:string', Eng.initBackend, 'async');
export const ready = op('ready', 'name?:string', Eng.ready, 'async');
export const getBackend = op('getBackend', '', Eng.getBackend);
export const listBackends = op('listBackends', '', Eng.listBackends);
export const tidy = op('tidy', 'fn:function', Eng.tidy, 'callback');
export const keep = op('keep', 'tensor:anyTensor', Eng.keep, 'callback');
export const memory = op('memory', '', Eng.memory, 'callback');
export const isTensor = op('isTensor', 'value?:any', Eng.isTensor, 'callback');
// These two raise errors in the caller's name (`fnName`), so they only check their own arguments.
export const assertLive = op('assertLive', 'tensor:anyTensor, fnName:string, argName?:string', Eng.assertLive, 'callback');
export const checkAllocation = op('checkAllocation', 'fnName:string, shape:shape, dtype:dtype, limitBytes?:number', Eng.checkAllocation, 'callback');

// ---- dtypes ----
export const assertDType = op('assertDType', 'dtype:any, where:string', D.assertDType, 'callback');
export const isFloat = op('isFloat', 'dtype:dtype', D.isFloat, 'callback');
export const isInt = op('isInt', 'dtype:dtype', D.isInt, 'callback');
export const promoteTypes = op('promoteTypes', 'a:dtype, b:dtype', D.promoteTypes, 'callback');
export const storageView = op('storageView', 'dtype:dtype, bytes:bytes', D.storageView);
export const toNumbers = op('toNumbers', 'dtype:dtype, data:typed', D.toNumbers);
export const fromNumbers = op('fromNumbers', 'dtype:dtype, values:typed|numbers', D.fromNumbers);
export const allocStorage = op('allocStorage', 'dtype:dtype, n:size', (dtype: D.DType, n: number) => {
  Eng.checkAllocation('allocStorage', [n], dtype);
  return D.allocStorage(dtype, n);
});
// The converters are passed to Array.prototype.map, which adds (index, array): those are ignored.
export const f16ToF32 = op('f16ToF32', 'bits:number, ...ignored:any', D.f16ToF32, 'callback');
export const f32ToF16 = op('f32ToF16', 'value:number, ...ignored:any', D.f32ToF16, 'callback');
export const bf16ToF32 = op('bf16ToF32', 'bits:number, ...ignored:any', D.bf16ToF32, 'callback');
export const f32ToBf16 = op('f32ToBf16', 'value:number, ...ignored:any', D.f32ToBf16, 'callback');

// ---- layouts, formatting, platform, kernels ----
export const numel = op('numel', 'shape:shape', L.numel, 'callback');
export const contiguousStrides = op('contiguousStrides', 'shape:shape', L.contiguousStrides, 'callback');
export const broadcastShapes = op('broadcastShapes', 'a:shape, b:shape, where?:string', (a: readonly number[], b: readonly number[], where = 'broadcastShapes') => L.broadcastShapes(a, b, where));
export const coalesce = op('coalesce', 'shape:shape, strides:intLists', L.coalesce);
export const rows = op('rows', 'view:shaped', K.rows, 'callback');
export const coalesceForKernel = op('coalesceForKernel', 'where:string, shape:shape, strides:intLists', K.coalesceForKernel, 'callback');
export const formatTensor = op('formatTensor', 'tensor:anyTensor, values:typed|numbers|null', F.formatTensor);
export const describe = op('describe', 'value?:any, depth?:int', F.describe, 'callback');
export const nodeBuiltin = op('nodeBuiltin', 'id:string', Pl.nodeBuiltin, 'callback');
export const defaultThreads = op('defaultThreads', '', Pl.defaultThreads, 'callback');
export const defineKernel = op('defineKernel', 'op:string, config:object', B.defineKernel, 'callback');
