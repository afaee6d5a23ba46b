// softmax / log-softmax over the last axis of a contiguous [outer, n] input; one block per row,
// f32 max / sum reductions (warp shuffles + shared memory), result rounded once to the storage type.
#include "tessera_cuda.h"

namespace tessera {
namespace {

template <class T>
__global__ void softmax_kernel(bool log_out, const T* __restrict__ x, T* __restrict__ y, long long outer, long long n) {
  __shared__ float red[32];
  for (long long row = blockIdx.x; row < outer; row += gridDim.x) {
    const T* xr = x + row * n;
    T* yr = y + row * n;
    float m = -INFINITY;
    for (long long j = threadIdx.x; j < n; j += blockDim.x) m = MaxOp()(m, ld(xr, j));
    m = block_reduce(m, MaxOp(), -INFINITY, red);
    float s = 0.f;
    for (long long j = threadIdx.x; j < n; j += blockDim.x) s += expf(ld(xr, j) - m);
    s = block_reduce(s, SumOp(), 0.f, red);
    if (log_out) {
      const float lse = logf(s);
      for (long long j = threadIdx.x; j < n; j += blockDim.x) st(yr, j, ld(xr, j) - m - lse);
    } else {
      const float inv = 1.0f / s;
      for (long long j = threadIdx.x; j < n; j += blockDim.x) st(yr, j, expf(ld(xr, j) - m) * inv);
    }
  }
}

}  // namespace

int row_block(long long n) { return n <= 32 ? 32 : (n <= 2048 ? 128 : 256); }

void launch_softmax(int dtype, bool log_out, const void* x, void* y, long long outer, long long n, cudaStream_t stream) {
  if (outer <= 0 || n <= 0) return;
  const unsigned g = grid_for(outer, 1);
  const int b = row_block(n);
  switch (dtype) {
    case F32: TS_LAUNCH(softmax_kernel<float>, g, b, 0, stream, log_out, (const float*)x, (float*)y, outer, n); break;
    case F16: TS_LAUNCH(softmax_kernel<f16>, g, b, 0, stream, log_out, (const f16*)x, (f16*)y, outer, n); break;
    case BF16: TS_LAUNCH(softmax_kernel<bf16>, g, b, 0, stream, log_out, (const bf16*)x, (bf16*)y, outer, n); break;
  }
}

}  // namespace tessera
