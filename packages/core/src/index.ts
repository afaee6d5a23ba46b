/**
 * @tessera/core — tensors, autograd, memory scopes and the backend contract.
 * Backends register themselves on import (e.g. `import '@tessera/backend-cpu'`).
 */
import './methods.js';

export * from './errors.js';
export * from './dtype.js';
export * from './backend.js';
export { Tensor, type NestedArray, type GradNode } from './tensor.js';
export {
  registerBackend, setBackend, getBackend, listBackends, initBackend, ready, tidy, keep, memory, isTensor,
  assertLive, checkAllocation,
} from './engine.js';
export { backward, noGrad, grad, valueAndGrad, isGradEnabled } from './autograd.js';
export { RULES as gradientRules } from './gradients.js';
export * from './ops/creation.js';
export {
  add, sub, mul, div, pow, neg, exp, log, sqrt, rsqrt, sin, cos, tanh, abs, sigmoid, erf, relu, silu,
  square, reciprocal, sign, maximum, minimum, lt, le, gt, ge, eq, ne, logicalNot, logicalAnd, logicalOr,
  where, clamp, maskedFill, cast, type Operand,
} from './ops/elementwise.js';
export {
  reshape, view, permute, transpose, expand, expand as broadcastTo, slice, narrow, squeeze, unsqueeze,
  flatten, contiguous, clone, cat, stack, split, chunk, pad,
} from './ops/movement.js';
export { sum, mean, max, min, argmax, variance as var, variance, std, logSumExp, type Axis } from './ops/reduce.js';
export { matmul } from './ops/linalg.js';
export { gather, indexSelect, embedding, scatterAdd, tril, triu } from './ops/indexing.js';
export {
  softmax, logSoftmax, layerNorm, rmsNorm, gelu, crossEntropy, dropout, scaledDotProductAttention,
  adamwUpdate, type CrossEntropyOptions, type AttentionOptions, type AdamWOptions,
} from './ops/nn.js';
export { formatTensor, describe } from './format.js';
export { numel, contiguousStrides, broadcastShapes, coalesce, type Coalesced } from './layout.js';
export { nodeBuiltin, defaultThreads } from './platform.js';
export { rows, coalesceForKernel } from './kernel-utils.js';
export { sliceAssign } from './ops/inplace.js';
