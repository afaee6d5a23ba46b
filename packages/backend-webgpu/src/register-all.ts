import type { KernelConfig } from '@tessera/core';
import neg from './kernels/neg.js';
import exp from './kernels/exp.js';
import log from './kernels/log.js';
import sqrt from './kernels/sqrt.js';
import rsqrt from './kernels/rsqrt.js';
import sin from './kernels/sin.js';
import cos from './kernels/cos.js';
import tanh from './kernels/tanh.js';
import abs from './kernels/abs.js';
import sigmoid from './kernels/sigmoid.js';
import erf from './kernels/erf.js';
import add from './kernels/add.js';
import sub from './kernels/sub.js';
import mul from './kernels/mul.js';
import div from './kernels/div.js';
import pow from './kernels/pow.js';
import maximum from './kernels/maximum.js';
import minimum from './kernels/minimum.js';
import lt from './kernels/lt.js';
import le from './kernels/le.js';
import eq from './kernels/eq.js';
import where from './kernels/where.js';
import cast from './kernels/cast.js';
import copy from './kernels/copy.js';
import sum from './kernels/sum.js';
import max from './kernels/max.js';
import min from './kernels/min.js';
import argmax from './kernels/argmax.js';
import matmul from './kernels/matmul.js';
import indexSelect from './kernels/indexSelect.js';
import gather from './kernels/gather.js';
import scatterAdd from './kernels/scatterAdd.js';
import random from './kernels/random.js';
import softmax from './kernels/softmax.js';
import logSoftmax from './kernels/logSoftmax.js';
import layerNorm from './kernels/layerNorm.js';
import rmsNorm from './kernels/rmsNorm.js';
import gelu from './kernels/gelu.js';
import crossEntropy from './kernels/crossEntropy.js';
import attention from './kernels/attention.js';
import attentionBackward from './kernels/attentionBackward.js';
import adamw from './kernels/adamw.js';

/** Every webgpu kernel, one per op of the contract (required primitives, then fused kernels). */
export const webgpuKernels: readonly KernelConfig[] = [
  // unary
  neg, exp, log, sqrt, rsqrt, sin, cos, tanh, abs, sigmoid, erf,
  // binary
  add, sub, mul, div, pow, maximum, minimum, lt, le, eq,
  // movement, dtype, reductions
  where, cast, copy, sum, max, min, argmax,
  // linear algebra, indexing, random
  matmul, indexSelect, gather, scatterAdd, random,
  // fused
  softmax, logSoftmax, layerNorm, rmsNorm, gelu, crossEntropy, attention, attentionBackward, adamw,
];

/** Ops that get a float16 variant (f32 compute, u32-packed f16 storage) on devices with shader-f16. */
export const F16_OPS: ReadonlySet<string> = new Set([
  'neg', 'exp', 'log', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'abs', 'sigmoid', 'erf',
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'lt', 'le', 'eq',
  'matmul', 'softmax', 'logSoftmax', 'layerNorm',
]);

const withF16: readonly KernelConfig[] = webgpuKernels.map((k) =>
  F16_OPS.has(k.op) && k.dtypes && !k.dtypes.includes('float16') ? { ...k, dtypes: [...k.dtypes, 'float16'] } : k);

/** The kernel list of a device: float16 is listed only when it has `shader-f16`. */
export function kernelsFor(f16: boolean): readonly KernelConfig[] {
  return f16 ? withF16 : webgpuKernels;
}
