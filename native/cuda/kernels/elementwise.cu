// Elementwise kernels over strided (possibly broadcast) views: unary, binary, where, cast, copy.
// Float math is f32 whatever the storage (f16 / bf16 round once, on store).
#include "tessera_cuda.h"

namespace tessera {
namespace {

constexpr int kBlock = 256;

__device__ __forceinline__ float erf_f(float x) { return erff(x); }

__device__ __forceinline__ float unary_f(int op, float x) {
  switch (op) {
    case U_NEG: return -x;
    case U_EXP: return expf(x);
    case U_LOG: return logf(x);
    case U_SQRT: return sqrtf(x);
    case U_RSQRT: return 1.0f / sqrtf(x);
    case U_SIN: return sinf(x);
    case U_COS: return cosf(x);
    case U_TANH: return tanhf(x);
    case U_ABS: return fabsf(x);
    case U_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case U_ERF: return erf_f(x);
    case U_GELU_ERF: return 0.5f * x * (1.0f + erf_f(x * 0.70710678118654752f));
    case U_GELU_TANH: {
      const float k = 0.7978845608028654f;  // sqrt(2 / pi)
      return 0.5f * x * (1.0f + tanhf(k * (x + 0.044715f * x * x * x)));
    }
  }
  return x;
}

template <class T>
__global__ void unary_kernel(int op, const T* __restrict__ x, T* __restrict__ y, Strided s) {
  for (long long i = global_tid(); i < s.numel; i += grid_threads())
    st(y, offset_of(s, 1, i), unary_f(op, ld(x, offset_of(s, 0, i))));
}

__global__ void unary_i32_kernel(int op, const int* __restrict__ x, int* __restrict__ y, Strided s) {
  for (long long i = global_tid(); i < s.numel; i += grid_threads()) {
    unsigned v = (unsigned)x[offset_of(s, 0, i)];
    int r = (int)v;
    if (op == U_NEG) r = (int)(0u - v);
    else if (op == U_ABS) r = (int)v < 0 ? (int)(0u - v) : (int)v;
    y[offset_of(s, 1, i)] = r;
  }
}

__device__ __forceinline__ float binary_f(int op, float a, float b) {
  switch (op) {
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return a * b;
    case B_DIV: return a / b;
    case B_POW: return powf(a, b);
    case B_MAX: return (a != a || b != b) ? a + b : (a > b ? a : b);  // NaN propagates
    case B_MIN: return (a != a || b != b) ? a + b : (a < b ? a : b);
  }
  return 0.f;
}
__device__ __forceinline__ int binary_i(int op, int a, int b) {
  unsigned ua = (unsigned)a, ub = (unsigned)b;  // wrap modulo 2^32 like C unsigned
  switch (op) {
    case B_ADD: return (int)(ua + ub);
    case B_SUB: return (int)(ua - ub);
    case B_MUL: return (int)(ua * ub);
    case B_MAX: return a > b ? a : b;
    case B_MIN: return a < b ? a : b;
    case B_DIV: return b == 0 ? 0 : (int)((long long)a / b);
  }
  return 0;
}
template <class V> __device__ __forceinline__ bool compare(int op, V a, V b) {
  return op == B_LT ? a < b : (op == B_LE ? a <= b : a == b);
}

template <class T>
__global__ void binary_kernel(int op, const T* __restrict__ a, const T* __restrict__ b, void* __restrict__ y, Strided s) {
  const bool cmp = op >= B_LT;
  for (long long i = global_tid(); i < s.numel; i += grid_threads()) {
    float va = ld(a, offset_of(s, 0, i)), vb = ld(b, offset_of(s, 1, i));
    long long o = offset_of(s, 2, i);
    if (cmp) static_cast<uint8_t*>(y)[o] = compare(op, va, vb) ? 1 : 0;
    else st(static_cast<T*>(y), o, binary_f(op, va, vb));
  }
}

__global__ void binary_i32_kernel(int op, const int* __restrict__ a, const int* __restrict__ b, void* __restrict__ y, Strided s) {
  const bool cmp = op >= B_LT;
  for (long long i = global_tid(); i < s.numel; i += grid_threads()) {
    int va = a[offset_of(s, 0, i)], vb = b[offset_of(s, 1, i)];
    long long o = offset_of(s, 2, i);
    if (cmp) static_cast<uint8_t*>(y)[o] = compare(op, va, vb) ? 1 : 0;
    else static_cast<int*>(y)[o] = binary_i(op, va, vb);
  }
}

template <class C, class T>
__global__ void where_kernel(const C* __restrict__ c, const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ y, Strided s) {
  for (long long i = global_tid(); i < s.numel; i += grid_threads())
    y[i] = c[offset_of(s, 0, i)] ? a[offset_of(s, 1, i)] : b[offset_of(s, 2, i)];
}

// cast: load any dtype as double, store with the contract's rules
__device__ __forceinline__ double load_any(int dt, const void* p, long long i) {
  switch (dt) {
    case F32: return static_cast<const float*>(p)[i];
    case F16: return f16_to_f32(static_cast<const uint16_t*>(p)[i]);
    case BF16: return bf16_to_f32(static_cast<const uint16_t*>(p)[i]);
    case I32: return static_cast<const int*>(p)[i];
    case I8: return static_cast<const int8_t*>(p)[i];
    default: return static_cast<const uint8_t*>(p)[i];  // U8, BOOL
  }
}
// float -> int: truncate toward zero, then wrap to the width (non-finite -> 0), as JS typed arrays do
__device__ __forceinline__ unsigned wrap_u32(double v) {
  if (!(v == v) || v == INFINITY || v == -INFINITY) return 0u;
  double t = trunc(v);
  if (t >= -2147483648.0 && t <= 4294967295.0) return t < 0 ? (unsigned)(int)t : (unsigned)t;
  double m = fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return (unsigned)m;
}
__device__ __forceinline__ void store_any(int dt, void* p, long long i, double v) {
  switch (dt) {
    case F32: static_cast<float*>(p)[i] = (float)v; break;
    case F16: static_cast<uint16_t*>(p)[i] = f32_to_f16((float)v); break;
    case BF16: static_cast<uint16_t*>(p)[i] = f32_to_bf16((float)v); break;
    case I32: static_cast<int*>(p)[i] = (int)wrap_u32(v); break;
    case I8: static_cast<int8_t*>(p)[i] = (int8_t)(uint8_t)wrap_u32(v); break;
    case U8: static_cast<uint8_t*>(p)[i] = (uint8_t)wrap_u32(v); break;
    default: static_cast<uint8_t*>(p)[i] = v != 0.0 ? 1 : 0; break;  // BOOL (NaN != 0 -> true)
  }
}
__global__ void cast_kernel(int from, int to, const void* __restrict__ x, void* __restrict__ y, Strided s) {
  for (long long i = global_tid(); i < s.numel; i += grid_threads())
    store_any(to, y, offset_of(s, 1, i), load_any(from, x, offset_of(s, 0, i)));
}

template <class T>
__global__ void copy_kernel(const T* __restrict__ x, T* __restrict__ y, Strided s) {
  for (long long i = global_tid(); i < s.numel; i += grid_threads()) y[offset_of(s, 1, i)] = x[offset_of(s, 0, i)];
}

}  // namespace

void launch_unary(int op, int dtype, const void* x, void* y, const Strided& s, cudaStream_t stream) {
  const unsigned g = grid_for(s.numel, kBlock);
  switch (dtype) {
    case F32: TS_LAUNCH(unary_kernel<float>, g, kBlock, 0, stream, op, (const float*)x, (float*)y, s); break;
    case F16: TS_LAUNCH(unary_kernel<f16>, g, kBlock, 0, stream, op, (const f16*)x, (f16*)y, s); break;
    case BF16: TS_LAUNCH(unary_kernel<bf16>, g, kBlock, 0, stream, op, (const bf16*)x, (bf16*)y, s); break;
    case I32: TS_LAUNCH(unary_i32_kernel, g, kBlock, 0, stream, op, (const int*)x, (int*)y, s); break;
  }
}

void launch_binary(int op, int dtype, const void* a, const void* b, void* y, const Strided& s, cudaStream_t stream) {
  const unsigned g = grid_for(s.numel, kBlock);
  switch (dtype) {
    case F32: TS_LAUNCH(binary_kernel<float>, g, kBlock, 0, stream, op, (const float*)a, (const float*)b, y, s); break;
    case F16: TS_LAUNCH(binary_kernel<f16>, g, kBlock, 0, stream, op, (const f16*)a, (const f16*)b, y, s); break;
    case BF16: TS_LAUNCH(binary_kernel<bf16>, g, kBlock, 0, stream, op, (const bf16*)a, (const bf16*)b, y, s); break;
    case I32: TS_LAUNCH(binary_i32_kernel, g, kBlock, 0, stream, op, (const int*)a, (const int*)b, y, s); break;
  }
}

template <class C>
static void where_as(int esize, const void* c, const void* a, const void* b, void* y, const Strided& s, cudaStream_t stream) {
  const unsigned g = grid_for(s.numel, kBlock);
  const C* cc = (const C*)c;
  switch (esize) {
    case 1: TS_LAUNCH((where_kernel<C, uint8_t>), g, kBlock, 0, stream, cc, (const uint8_t*)a, (const uint8_t*)b, (uint8_t*)y, s); break;
    case 2: TS_LAUNCH((where_kernel<C, uint16_t>), g, kBlock, 0, stream, cc, (const uint16_t*)a, (const uint16_t*)b, (uint16_t*)y, s); break;
    default: TS_LAUNCH((where_kernel<C, uint32_t>), g, kBlock, 0, stream, cc, (const uint32_t*)a, (const uint32_t*)b, (uint32_t*)y, s); break;
  }
}
void launch_where(int cond_size, int esize, const void* c, const void* a, const void* b, void* y, const Strided& s, cudaStream_t stream) {
  if (cond_size == 4) where_as<uint32_t>(esize, c, a, b, y, s, stream);
  else where_as<uint8_t>(esize, c, a, b, y, s, stream);
}

void launch_cast(int from, int to, const void* x, void* y, const Strided& s, cudaStream_t stream) {
  TS_LAUNCH(cast_kernel, grid_for(s.numel, kBlock), kBlock, 0, stream, from, to, x, y, s);
}

void launch_copy(int esize, const void* x, void* y, const Strided& s, cudaStream_t stream) {
  const unsigned g = grid_for(s.numel, kBlock);
  switch (esize) {
    case 1: TS_LAUNCH(copy_kernel<uint8_t>, g, kBlock, 0, stream, (const uint8_t*)x, (uint8_t*)y, s); break;
    case 2: TS_LAUNCH(copy_kernel<uint16_t>, g, kBlock, 0, stream, (const uint16_t*)x, (uint16_t*)y, s); break;
    default: TS_LAUNCH(copy_kernel<uint32_t>, g, kBlock, 0, stream, (const uint32_t*)x, (uint32_t*)y, s); break;
  }
}

}  // namespace tessera
