/**
 * The backend contract. A backend is `{ name, storage, kernels }`: raw byte storage plus one
 * kernel config per op (one file each). Core owns shapes, views, dtype promotion, broadcasting,
 * autograd and memory accounting; kernels only compute.
 *
 * Conventions every kernel can rely on (core guarantees them before calling `run`):
 * - Outputs are freshly allocated, contiguous (row-major, offset 0) and of the dtype stated below
 *   (one exception: `copy`, see there).
 * - `offset` and `strides` are in elements, never bytes. A stride may be 0 (broadcast) where stated.
 * - Inputs of the "strided" ops may be any view; all other inputs are contiguous (strides row-major),
 *   though their `offset` may be non-zero.
 * - Inputs are of a dtype the kernel lists in `dtypes`; core casts float16/bfloat16 to float32 and
 *   int8/uint8/bool to int32 (or float32) around kernels that do not list them.
 * - Async backends (WebGPU) may enqueue work in `run` and finish later: core only reads data back
 *   through `storage.read` / `readSync`.
 */
import { DTYPES, type DType } from './dtype.js';

/** A backend's handle to one allocation. Opaque to core. */
export type DataId = unknown;

/** A tensor as a kernel sees it. */
export interface TensorView {
  readonly data: DataId;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export interface BackendStorage {
  /** Allocate `byteLength` bytes (content undefined). Throw OutOfMemoryError with the size on failure. */
  alloc(byteLength: number): DataId;
  free(id: DataId): void;
  /** Copy bytes into the allocation at `byteOffset` (default 0). */
  write(id: DataId, bytes: Uint8Array, byteOffset?: number): void;
  /** Read bytes back once all queued work on them is done: a fresh copy the caller owns (never a view of backend memory). */
  read(id: DataId, byteOffset: number, byteLength: number): Promise<Uint8Array>;
  /** Synchronous read, where the backend can (cpu, wasm, cuda); a fresh copy, as `read`. */
  readSync?(id: DataId, byteOffset: number, byteLength: number): Uint8Array;
}

export interface BackendInfo {
  /** One line for people: what runs where ("pure TypeScript", "SwiftShader (software)", ...). */
  description: string;
  /** True for software emulation (cuda-sim, software WebGPU adapters): never chosen by default. */
  simulated?: boolean;
  threads?: number;
  [key: string]: unknown;
}

export interface Backend {
  readonly name: string;
  readonly storage: BackendStorage;
  readonly kernels: readonly KernelConfig[];
  readonly info?: BackendInfo;
  /** Wait for all queued work (async backends). */
  sync?(): Promise<void>;
  dispose?(): void;
}

/** A factory may be async (WebGPU adapter request, wasm instantiation) and may throw BackendUnavailableError. */
export type BackendFactory = () => Backend | Promise<Backend>;

// ---------------------------------------------------------------------------------------------
// Ops of the contract

/** Elementwise, strided input `x` of the output's shape; output has x's dtype. */
export const UNARY_OPS = ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'abs', 'sigmoid', 'erf'] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/**
 * Elementwise, inputs `a`, `b` already broadcast to the output shape (stride 0 on broadcast dims),
 * both of one dtype. Output dtype: the input dtype, except lt / le / eq which give 'bool'.
 * Integer add/sub/mul wrap modulo 2^32 like C int32 (mul must be exact: Math.imul).
 * `div` and `pow` only ever see float dtypes. maximum/minimum propagate NaN.
 */
export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'lt', 'le', 'eq'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/** Reductions over the last axis of a contiguous [outer, n] input -> [outer]. argmax gives int32 (first max). */
export const REDUCE_OPS = ['sum', 'max', 'min', 'argmax'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

export const RANDOM_DISTS = ['uniform', 'normal', 'bits', 'randint'] as const;
export type RandomDist = (typeof RANDOM_DISTS)[number];

// ---------------------------------------------------------------------------------------------
// Tables shared with native kernels. scripts/gen-native-codes.mjs writes them into
// native/generated/tessera_codes.h (C and CUDA include it); a test fails when that file is stale.

/** Most dims a strided view may keep after `coalesce`: the size of every backend's view descriptor. */
export const MAX_DIMS = 8;

const codesOf = <T extends string>(names: readonly T[]): Readonly<Record<T, number>> =>
  Object.freeze(Object.fromEntries(names.map((n, i) => [n, i])) as Record<T, number>);

/** Native dtype codes: the index in DTYPES. */
export const DTYPE_CODES: Readonly<Record<DType, number>> = codesOf(DTYPES);
/** Native op codes: the index in each op list. */
export const UNARY_CODES: Readonly<Record<UnaryOp, number>> = codesOf(UNARY_OPS);
export const BINARY_CODES: Readonly<Record<BinaryOp, number>> = codesOf(BINARY_OPS);
export const REDUCE_CODES: Readonly<Record<ReduceOp, number>> = codesOf(REDUCE_OPS);
export const RANDOM_DIST_CODES: Readonly<Record<RandomDist, number>> = codesOf(RANDOM_DISTS);

/**
 * Attributes of each op. Inputs (in order) and outputs are described on each entry.
 * Required primitives first, then the optional fused kernels (core has a decomposition for each).
 */
export interface OpAttrs {
  // ---- required primitives ----
  /** Unary ops: inputs [x] (strided), outputs [y]. */
  neg: {}; exp: {}; log: {}; sqrt: {}; rsqrt: {}; sin: {}; cos: {}; tanh: {}; abs: {}; sigmoid: {}; erf: {};
  /** Binary ops: inputs [a, b] (strided, broadcast), outputs [y]. */
  add: {}; sub: {}; mul: {}; div: {}; pow: {}; maximum: {}; minimum: {}; lt: {}; le: {}; eq: {};
  /** inputs [cond: bool, a, b] (strided, broadcast to the output shape), outputs [y] of a's dtype. */
  where: {};
  /**
   * inputs [x] (strided), outputs [y] of `dtype`. float->int truncates toward zero then wraps to
   * the width; anything->bool is x != 0; ->float16/bfloat16 rounds to nearest even.
   */
  cast: { dtype: DType };
  /**
   * inputs [x] (strided), outputs [y] of x's shape and dtype. The one op whose output may be a view:
   * core passes a strided window (offset, strides) into a larger allocation to build cat / pad /
   * slice gradients, so a copy kernel must honour the output's strides and offset.
   */
  copy: {};
  /** Reductions: inputs [x] contiguous [outer, n], outputs [y] [outer]. sum of n=0 is 0. */
  sum: {}; max: {}; min: {}; argmax: {};
  /**
   * Batched matmul. inputs [a, b] as views of shape [batch, m, k] and [batch, k, n]; outputs [c]
   * contiguous [batch, m, n]. Batch strides (strides[0]) may be 0 (broadcast). The inner two dims are
   * either row-major (trans = false: strides[2] == 1, leading dim strides[1]) or transposed
   * (trans = true: strides[1] == 1, leading dim strides[2]). Float dtypes only.
   */
  matmul: { transA: boolean; transB: boolean };
  /** inputs [x [outer, d, inner], index int32 [n]], outputs [y [outer, n, inner]]; y[o,j,i] = x[o, index[j], i]. */
  indexSelect: {};
  /** inputs [x [outer, d, inner], index int32 [outer, n, inner]], outputs [y [outer, n, inner]]; y[o,j,i] = x[o, index[o,j,i], i]. */
  gather: {};
  /**
   * inputs [base [outer, d, inner], index int32 [outer, n, inner], src [outer, n, inner]],
   * outputs [y [outer, d, inner]] = base with y[o, index[o,j,i], i] += src[o,j,i].
   * Indices are validated by core; a kernel must still never write out of bounds (skip bad ones).
   */
  scatterAdd: {};
  /**
   * Counter-based random numbers: inputs [], outputs [y] (float32 for uniform/normal, int32 otherwise).
   * Philox4x32-10, key = (seed mod 2^32, floor(seed / 2^32) mod 2^32).
   * - uniform / bits / randint: element j takes word (j % 4) of the block for counter
   *   (floor(j / 4), offset, 0, 0). uniform = (w >>> 8) * 2^-24; bits = w reinterpreted as int32;
   *   randint = low + (w mod (high - low)).
   * - normal: element j takes words 0 and 1 of the block for counter (j, offset, 0, 0):
   *   u1 = ((w0 >>> 8) + 1) * 2^-24, u2 = (w1 >>> 8) * 2^-24, y = sqrt(-2 ln u1) * cos(2 pi u2).
   */
  random: { dist: RandomDist; seed: number; offset: number; low?: number; high?: number };

  // ---- optional fused kernels (decomposed in core when a backend lacks them) ----
  /** inputs [x [outer, n]], outputs [y [outer, n]]; over the last axis. */
  softmax: {};
  logSoftmax: {};
  /** inputs [x [outer, n], weight? [n], bias? [n]] (as flagged), outputs [y [outer, n]]. Biased variance. */
  layerNorm: { eps: number; hasWeight: boolean; hasBias: boolean };
  /** inputs [x [outer, n], weight? [n]], outputs [y]; y = x / sqrt(mean(x^2) + eps) * weight. */
  rmsNorm: { eps: number; hasWeight: boolean };
  /** inputs [x] contiguous, outputs [y]. 'none' = x * Phi(x) with erf; 'tanh' = the tanh approximation. */
  gelu: { approximate: 'none' | 'tanh' };
  /**
   * inputs [logits [n, c] float, target int32 [n]], outputs [loss [n] float32]: per-row loss
   * -(1 - s) * logp[t] - (s / c) * sum(logp), s = labelSmoothing; 0 on rows whose target is ignoreIndex.
   */
  crossEntropy: { ignoreIndex: number; labelSmoothing: number };
  /**
   * inputs [q [B, tq, d], k [B, tk, d], v [B, tk, dv], mask? [B, tq, tk] (float additive, strided:
   * may be broadcast with stride 0)], outputs [o [B, tq, dv]].
   * causal: query i sees keys j <= i + (tk - tq) (aligned bottom-right, as a KV cache needs).
   */
  attention: { scale: number; causal: boolean; hasMask: boolean };
  /**
   * The gradients of `attention` (same attrs): inputs [q, k, v, mask? (as in attention), dout [B, tq, dv]],
   * outputs [dq [B, tq, d], dk [B, tk, d], dv [B, tk, dv]]. Kernels recompute the probabilities
   * (flash-attention style: no [tq, tk] matrix in memory is needed). Not used when the mask needs a gradient.
   */
  attentionBackward: { scale: number; causal: boolean; hasMask: boolean };
  /**
   * One AdamW step. inputs [param, grad, m, v] (same shape, float32), outputs [param', m', v'].
   * m' = b1 m + (1-b1) g; v' = b2 v + (1-b2) g^2; p' = p - lr (wd p + (m'/(1-b1^step)) / (sqrt(v'/(1-b2^step)) + eps)).
   */
  adamw: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; step: number };
}

export type OpName = keyof OpAttrs;

export const REQUIRED_OPS: readonly OpName[] = [
  ...UNARY_OPS, ...BINARY_OPS, 'where', 'cast', 'copy', ...REDUCE_OPS,
  'matmul', 'indexSelect', 'gather', 'scatterAdd', 'random',
];

export const FUSED_OPS: readonly OpName[] = [
  'softmax', 'logSoftmax', 'layerNorm', 'rmsNorm', 'gelu', 'crossEntropy', 'attention', 'attentionBackward', 'adamw',
];

export interface KernelArgs<Op extends OpName = OpName, B extends Backend = Backend> {
  readonly backend: B;
  readonly inputs: readonly TensorView[];
  readonly outputs: readonly TensorView[];
  readonly attrs: OpAttrs[Op];
}

/** One kernel: one file exporting one of these; a backend lists them in register-all. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a kernel list mixes configs of every backend type
export interface KernelConfig<Op extends OpName = OpName, B extends Backend = any> {
  readonly op: Op;
  /** dtypes of the data input (inputs[0]; for `where`, inputs[1]) this kernel handles; omitted = all. */
  readonly dtypes?: readonly DType[];
  run(args: KernelArgs<Op, B>): void;
}

/** Typed helper for kernel files: `export default defineKernel('exp', {...})`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a kernel list mixes configs of every backend type
export function defineKernel<Op extends OpName, B extends Backend = any>(
  op: Op,
  config: Omit<KernelConfig<Op, B>, 'op'>,
): KernelConfig<Op, B> {
  return { op, ...config };
}
