// One fused AdamW step over float32 param / grad / m / v (contiguous), writing param', m', v'.
#include "tessera_cuda.h"

namespace tessera {
namespace {

__global__ void adamw_kernel(const float* __restrict__ p, const float* __restrict__ g, const float* __restrict__ m, const float* __restrict__ v,
                             float* __restrict__ p2, float* __restrict__ m2, float* __restrict__ v2, long long n,
                             float lr, float b1, float b2, float eps, float wd, float bc1, float bc2) {
  for (long long i = global_tid(); i < n; i += grid_threads()) {
    const float gi = g[i], pi = p[i];
    const float mi = b1 * m[i] + (1.0f - b1) * gi;
    const float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
    m2[i] = mi; v2[i] = vi;
    p2[i] = pi - lr * (wd * pi + (mi / bc1) / (sqrtf(vi / bc2) + eps));
  }
}

}  // namespace

void launch_adamw(const float* p, const float* g, const float* m, const float* v, float* p2, float* m2, float* v2, long long n,
                  float lr, float b1, float b2, float eps, float wd, float bc1, float bc2, cudaStream_t stream) {
  if (n <= 0) return;
  TS_LAUNCH(adamw_kernel, grid_for(n, 256), 256, 0, stream, p, g, m, v, p2, m2, v2, n, lr, b1, b2, eps, wd, bc1, bc2);
}

}  // namespace tessera
