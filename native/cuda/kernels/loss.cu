// Cross-entropy per row of [rows, c] logits with int32 targets and label smoothing; f32 loss.
// loss = -(1 - s) logp[t] - (s / c) sum(logp); 0 on rows whose target is ignore_index.
#include "tessera_cuda.h"

namespace tessera {
int row_block(long long n);
namespace {

template <class T>
__global__ void cross_entropy_kernel(const T* __restrict__ x, const int* __restrict__ target, float* __restrict__ loss,
                                     long long rows, long long c, int ignore_index, float smoothing) {
  __shared__ float red[32];
  for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
    const T* xr = x + row * c;
    const int t = target[row];
    float m = -INFINITY, sum = 0.f;
    for (long long j = threadIdx.x; j < c; j += blockDim.x) { float v = ld(xr, j); m = MaxOp()(m, v); sum += v; }
    m = block_reduce(m, MaxOp(), -INFINITY, red);
    sum = block_reduce(sum, SumOp(), 0.f, red);
    float e = 0.f;
    for (long long j = threadIdx.x; j < c; j += blockDim.x) e += expf(ld(xr, j) - m);
    e = block_reduce(e, SumOp(), 0.f, red);
    if (threadIdx.x == 0) {
      if (t == ignore_index || t < 0 || t >= c) { loss[row] = 0.f; continue; }
      const float lse = m + logf(e);
      const float logp_t = ld(xr, t) - lse;
      const float sum_logp = sum - (float)c * lse;
      loss[row] = -(1.0f - smoothing) * logp_t - (smoothing / (float)c) * sum_logp;
    }
  }
}

}  // namespace

void launch_cross_entropy(int dtype, const void* logits, const int* target, float* loss, long long rows, long long c,
                          int ignore_index, float smoothing, cudaStream_t stream) {
  if (rows <= 0) return;
  const unsigned g = grid_for(rows, 1);
  const int b = row_block(c);
  switch (dtype) {
    case F32: TS_LAUNCH(cross_entropy_kernel<float>, g, b, 0, stream, (const float*)logits, target, loss, rows, c, ignore_index, smoothing); break;
    case F16: TS_LAUNCH(cross_entropy_kernel<f16>, g, b, 0, stream, (const f16*)logits, target, loss, rows, c, ignore_index, smoothing); break;
    case BF16: TS_LAUNCH(cross_entropy_kernel<bf16>, g, b, 0, stream, (const bf16*)logits, target, loss, rows, c, ignore_index, smoothing); break;
  }
}

}  // namespace tessera
