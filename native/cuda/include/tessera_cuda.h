// tessera_cuda.h — what every kernel file shares: dtypes, 16-bit float conversions (own bit code,
// identical on GPU and in the simulator), strided-view descriptors, block reductions, and the
// declarations of every launcher (the addon calls these; one section per kernel file).
#pragma once
#include "cuda_sim.h"
#include "tessera_codes.h"  // generated from packages/core/src/backend.ts: dtype / op codes, TS_MAX_DIMS
#include <cstdint>
#include <cstring>

namespace tessera {

// dtype codes: core's DTYPE_CODES (generated header), short names here
enum DType : int {
  F32 = TS_DTYPE_FLOAT32, F16 = TS_DTYPE_FLOAT16, BF16 = TS_DTYPE_BFLOAT16, I32 = TS_DTYPE_INT32,
  I8 = TS_DTYPE_INT8, U8 = TS_DTYPE_UINT8, BOOL = TS_DTYPE_BOOL
};

constexpr int kMaxDims = TS_MAX_DIMS;

// A strided view after coalescing: shape + strides (elements) of up to 4 operands.
struct Strided {
  int nd;
  long long numel;
  long long shape[kMaxDims];
  long long st[4][kMaxDims];
};

// ---- 16-bit floats: storage is uint16_t; arithmetic is always float (f32 accumulation) ----
struct f16 { uint16_t bits; };
struct bf16 { uint16_t bits; };

#ifdef __CUDA_ARCH__
__device__ __forceinline__ float bits_f32(uint32_t u) { return __uint_as_float(u); }
__device__ __forceinline__ uint32_t f32_bits(float f) { return __float_as_uint(f); }
#else
inline float bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
inline uint32_t f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
#endif

__host__ __device__ __forceinline__ float bf16_to_f32(uint16_t h) { return bits_f32((uint32_t)h << 16); }
__host__ __device__ __forceinline__ uint16_t f32_to_bf16(float f) {
  uint32_t u = f32_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);  // NaN stays NaN (quiet)
  u += 0x7fffu + ((u >> 16) & 1u);                                           // round to nearest even
  return (uint16_t)(u >> 16);
}
__host__ __device__ __forceinline__ float f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
  if (e == 0x1f) return bits_f32(sign | 0x7f800000u | (m << 13));
  if (e == 0) {
    if (m == 0) return bits_f32(sign);
    float v = (float)m * 5.9604644775390625e-8f;  // m * 2^-24, exact
    return sign ? -v : v;
  }
  return bits_f32(sign | ((e + 112u) << 23) | (m << 13));
}
__host__ __device__ __forceinline__ uint16_t f32_to_f16(float f) {
  uint32_t u = f32_bits(f), sign = (u >> 16) & 0x8000u;
  uint32_t exp = (u >> 23) & 0xffu, mant = u & 0x7fffffu;
  if (exp == 0xff) return (uint16_t)(sign | 0x7c00u | (mant ? 0x200u : 0u));
  int e = (int)exp - 127 + 15;
  if (e >= 0x1f) return (uint16_t)(sign | 0x7c00u);
  if (e <= 0) {  // subnormal half (or zero)
    if (e < -10) return (uint16_t)sign;
    mant |= 0x800000u;
    int shift = 14 - e;
    uint32_t half = mant >> shift, rem = mant & ((1u << shift) - 1u), mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1u))) half++;
    return (uint16_t)(sign | half);
  }
  uint32_t half = ((uint32_t)e << 10) | (mant >> 13), rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) half++;  // may carry into the exponent: correct
  return (uint16_t)(sign | half);
}

// Load / store any element type as float (the compute type of every float kernel).
template <class T> __host__ __device__ __forceinline__ float ld(const T* p, long long i) { return (float)p[i]; }
template <> __host__ __device__ __forceinline__ float ld<f16>(const f16* p, long long i) { return f16_to_f32(p[i].bits); }
template <> __host__ __device__ __forceinline__ float ld<bf16>(const bf16* p, long long i) { return bf16_to_f32(p[i].bits); }
template <class T> __host__ __device__ __forceinline__ void st(T* p, long long i, float v) { p[i] = (T)v; }
template <> __host__ __device__ __forceinline__ void st<f16>(f16* p, long long i, float v) { p[i].bits = f32_to_f16(v); }
template <> __host__ __device__ __forceinline__ void st<bf16>(bf16* p, long long i, float v) { p[i].bits = f32_to_bf16(v); }

// Element offsets of linear index `i` for operand q of a coalesced view.
__host__ __device__ __forceinline__ long long offset_of(const Strided& s, int q, long long i) {
  long long off = 0;
  for (int d = s.nd - 1; d >= 0; d--) {
    long long n = s.shape[d], c = i % n;
    i /= n;
    off += c * s.st[q][d];
  }
  return off;
}

inline unsigned grid_for(long long n, int block, unsigned cap = 65535u) {
  long long g = (n + block - 1) / block;
  return (unsigned)(g < 1 ? 1 : (g > cap ? cap : g));
}

#ifndef TS_CUDA_HOST_ONLY  // device-side helpers: kernel translation units only
// Grid-stride loop helpers
__device__ __forceinline__ long long global_tid() { return (long long)blockIdx.x * blockDim.x + threadIdx.x; }
__device__ __forceinline__ long long grid_threads() { return (long long)gridDim.x * blockDim.x; }

// ---- block reductions (blockDim.x a multiple of 32, <= 1024); `red` is 32 floats of shared memory
struct SumOp { __device__ __forceinline__ float operator()(float a, float b) const { return a + b; } };
struct MaxOp { __device__ __forceinline__ float operator()(float a, float b) const { return (a != a || a > b) ? a : b; } };

template <class Op> __device__ __forceinline__ float warp_reduce(float v, Op op) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}
template <class Op> __device__ __forceinline__ float block_reduce(float v, Op op, float identity, float* red) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = (blockDim.x + 31) >> 5;
  v = warp_reduce(v, op);
  if (lane == 0) red[warp] = v;
  __syncthreads();
  v = lane < nwarps ? red[lane] : identity;
  v = warp_reduce(v, op);
  __syncthreads();  // red is reused by the next reduction
  return v;
}
#endif  // TS_CUDA_HOST_ONLY

}  // namespace tessera

// ================================================================ launchers (one block per file)
namespace tessera {
// elementwise.cu
// op codes: core's UNARY_CODES / BINARY_CODES; the two gelu forms are this backend's own, after them
enum UnaryOp : int {
  U_NEG = TS_UNARY_NEG, U_EXP = TS_UNARY_EXP, U_LOG = TS_UNARY_LOG, U_SQRT = TS_UNARY_SQRT, U_RSQRT = TS_UNARY_RSQRT,
  U_SIN = TS_UNARY_SIN, U_COS = TS_UNARY_COS, U_TANH = TS_UNARY_TANH, U_ABS = TS_UNARY_ABS, U_SIGMOID = TS_UNARY_SIGMOID,
  U_ERF = TS_UNARY_ERF, U_GELU_ERF = TS_UNARY_COUNT, U_GELU_TANH = TS_UNARY_COUNT + 1
};
enum BinaryOp : int {
  B_ADD = TS_BINARY_ADD, B_SUB = TS_BINARY_SUB, B_MUL = TS_BINARY_MUL, B_DIV = TS_BINARY_DIV, B_POW = TS_BINARY_POW,
  B_MAX = TS_BINARY_MAXIMUM, B_MIN = TS_BINARY_MINIMUM, B_LT = TS_BINARY_LT, B_LE = TS_BINARY_LE, B_EQ = TS_BINARY_EQ
};
void launch_unary(int op, int dtype, const void* x, void* y, const Strided& s, cudaStream_t st);
void launch_binary(int op, int dtype, const void* a, const void* b, void* y, const Strided& s, cudaStream_t st);
void launch_where(int cond_size, int esize, const void* c, const void* a, const void* b, void* y, const Strided& s, cudaStream_t st);
void launch_cast(int from, int to, const void* x, void* y, const Strided& s, cudaStream_t st);
void launch_copy(int esize, const void* x, void* y, const Strided& s, cudaStream_t st);
// reduce.cu
enum ReduceOp : int { R_SUM = TS_REDUCE_SUM, R_MAX = TS_REDUCE_MAX, R_MIN = TS_REDUCE_MIN, R_ARGMAX = TS_REDUCE_ARGMAX };
void launch_reduce(int op, int dtype, const void* x, void* y, long long outer, long long n, cudaStream_t st);
// softmax.cu
void launch_softmax(int dtype, bool log, const void* x, void* y, long long outer, long long n, cudaStream_t st);
// norm.cu
void launch_layernorm(int dtype, const void* x, const void* w, const void* b, void* y, long long outer, long long n, float eps, cudaStream_t st);
void launch_rmsnorm(int dtype, const void* x, const void* w, void* y, long long outer, long long n, float eps, cudaStream_t st);
// loss.cu
void launch_cross_entropy(int dtype, const void* logits, const int* target, float* loss, long long rows, long long c,
                          int ignore_index, float smoothing, cudaStream_t st);
// index.cu
void launch_index_select(int esize, const void* x, const int* idx, void* y, long long outer, long long d, long long inner, long long n, cudaStream_t st);
void launch_gather(int esize, const void* x, const int* idx, void* y, long long outer, long long d, long long inner, long long n, cudaStream_t st);
void launch_scatter_add(int dtype, const void* base, const int* idx, const void* src, void* y, long long outer, long long d,
                        long long inner, long long n, cudaStream_t st);
// random.cu
enum RandomDist : int { RD_UNIFORM = TS_RANDOM_UNIFORM, RD_NORMAL = TS_RANDOM_NORMAL, RD_BITS = TS_RANDOM_BITS, RD_RANDINT = TS_RANDOM_RANDINT };
void launch_random(int dist, uint32_t k0, uint32_t k1, uint32_t offset, int low, uint32_t range, void* y, long long n, cudaStream_t st);
// adamw.cu
void launch_adamw(const float* p, const float* g, const float* m, const float* v, float* p2, float* m2, float* v2, long long n,
                  float lr, float b1, float b2, float eps, float wd, float bc1, float bc2, cudaStream_t st);
// matmul.cu (Tessera's own GEMM). Views: a [batch, M, K] with strides (sab, sam, sak), b [batch, K, N].
struct GemmArgs {
  int dtype;  // F32, F16, BF16 (the output has the same dtype)
  long long batch, M, N, K;
  const void* a; long long sab, sam, sak;
  const void* b; long long sbb, sbk, sbn;
  void* c;  // contiguous [batch, M, N]
};
void launch_gemm(const GemmArgs& g, cudaStream_t st);
// attention.cu (flash-style forward)
struct AttnArgs {
  int dtype;
  long long B, tq, tk, d, dv;
  const void* q; long long sqb, sqt, sqd;
  const void* k; long long skb, skt, skd;
  const void* v; long long svb, svt, svd;
  const void* mask; int mask_dtype; long long smb, smq, smk;  // mask may be null; strides may be 0 (broadcast)
  void* o;  // contiguous [B, tq, dv]
  float scale; bool causal;
};
void launch_attention(const AttnArgs& a, cudaStream_t st);
// attention_bwd.cu (flash-style backward, float32). q / k / v / dout / mask are strided views (the
// mask may broadcast, stride 0); dq [B, tq, d], dk [B, tk, d], dv_out [B, tk, dv] are contiguous.
// ws: attention_backward_workspace(a) bytes of device memory (logsumexp and D per query).
struct AttnBwdArgs {
  long long B, tq, tk, d, dv;
  const void* q; long long sqb, sqt, sqd;
  const void* k; long long skb, skt, skd;
  const void* v; long long svb, svt, svd;
  const void* mask; int mask_dtype; long long smb, smq, smk;
  const void* dout; long long sob, sot, sod;
  float* dq; float* dk; float* dv_out;
  float scale; bool causal;
};
size_t attention_backward_workspace(const AttnBwdArgs& a);
void launch_attention_backward(const AttnBwdArgs& a, float* ws, cudaStream_t st);
}  // namespace tessera
