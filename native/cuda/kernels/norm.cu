// layerNorm (biased variance, two passes) and rmsNorm over the last axis of [outer, n];
// one block per row, f32 statistics; weight / bias (optional) have the input's dtype.
#include "tessera_cuda.h"

namespace tessera {
int row_block(long long n);
namespace {

template <class T>
__global__ void layernorm_kernel(const T* __restrict__ x, const T* __restrict__ w, const T* __restrict__ b, T* __restrict__ y,
                                 long long outer, long long n, float eps) {
  __shared__ float red[32];
  for (long long row = blockIdx.x; row < outer; row += gridDim.x) {
    const T* xr = x + row * n;
    T* yr = y + row * n;
    float s = 0.f;
    for (long long j = threadIdx.x; j < n; j += blockDim.x) s += ld(xr, j);
    const float mean = block_reduce(s, SumOp(), 0.f, red) / (float)n;
    float q = 0.f;
    for (long long j = threadIdx.x; j < n; j += blockDim.x) { float d = ld(xr, j) - mean; q += d * d; }
    const float rstd = 1.0f / sqrtf(block_reduce(q, SumOp(), 0.f, red) / (float)n + eps);
    for (long long j = threadIdx.x; j < n; j += blockDim.x) {
      float v = (ld(xr, j) - mean) * rstd;
      if (w) v *= ld(w, j);
      if (b) v += ld(b, j);
      st(yr, j, v);
    }
  }
}

template <class T>
__global__ void rmsnorm_kernel(const T* __restrict__ x, const T* __restrict__ w, T* __restrict__ y, long long outer, long long n, float eps) {
  __shared__ float red[32];
  for (long long row = blockIdx.x; row < outer; row += gridDim.x) {
    const T* xr = x + row * n;
    T* yr = y + row * n;
    float q = 0.f;
    for (long long j = threadIdx.x; j < n; j += blockDim.x) { float v = ld(xr, j); q += v * v; }
    const float r = 1.0f / sqrtf(block_reduce(q, SumOp(), 0.f, red) / (float)n + eps);
    for (long long j = threadIdx.x; j < n; j += blockDim.x) {
      float v = ld(xr, j) * r;
      if (w) v *= ld(w, j);
      st(yr, j, v);
    }
  }
}

}  // namespace

void launch_layernorm(int dtype, const void* x, const void* w, const void* b, void* y, long long outer, long long n, float eps, cudaStream_t stream) {
  if (outer <= 0 || n <= 0) return;
  const unsigned g = grid_for(outer, 1);
  const int bs = row_block(n);
  switch (dtype) {
    case F32: TS_LAUNCH(layernorm_kernel<float>, g, bs, 0, stream, (const float*)x, (const float*)w, (const float*)b, (float*)y, outer, n, eps); break;
    case F16: TS_LAUNCH(layernorm_kernel<f16>, g, bs, 0, stream, (const f16*)x, (const f16*)w, (const f16*)b, (f16*)y, outer, n, eps); break;
    case BF16: TS_LAUNCH(layernorm_kernel<bf16>, g, bs, 0, stream, (const bf16*)x, (const bf16*)w, (const bf16*)b, (bf16*)y, outer, n, eps); break;
  }
}

void launch_rmsnorm(int dtype, const void* x, const void* w, void* y, long long outer, long long n, float eps, cudaStream_t stream) {
  if (outer <= 0 || n <= 0) return;
  const unsigned g = grid_for(outer, 1);
  const int bs = row_block(n);
  switch (dtype) {
    case F32: TS_LAUNCH(rmsnorm_kernel<float>, g, bs, 0, stream, (const float*)x, (const float*)w, (float*)y, outer, n, eps); break;
    case F16: TS_LAUNCH(rmsnorm_kernel<f16>, g, bs, 0, stream, (const f16*)x, (const f16*)w, (f16*)y, outer, n, eps); break;
    case BF16: TS_LAUNCH(rmsnorm_kernel<bf16>, g, bs, 0, stream, (const bf16*)x, (const bf16*)w, (bf16*)y, outer, n, eps); break;
  }
}

}  // namespace tessera
