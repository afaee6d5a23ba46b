// Indexing: indexSelect and gather move raw element bits (every dtype); scatterAdd adds in the
// element type (f32 / f16 / bf16 / int32). Bad indices are skipped (core validates them first).
#include "tessera_cuda.h"
#include <type_traits>

namespace tessera {
namespace {

template <class T>
__global__ void index_select_kernel(const T* __restrict__ x, const int* __restrict__ idx, T* __restrict__ y,
                                    long long outer, long long d, long long inner, long long n) {
  const long long total = outer * n * inner;
  for (long long e = global_tid(); e < total; e += grid_threads()) {
    long long i = e % inner, j = e / inner % n, o = e / (inner * n);
    int k = idx[j];
    y[e] = (k >= 0 && k < d) ? x[(o * d + k) * inner + i] : T();
  }
}

template <class T>
__global__ void gather_kernel(const T* __restrict__ x, const int* __restrict__ idx, T* __restrict__ y,
                              long long outer, long long d, long long inner, long long n) {
  const long long total = outer * n * inner;
  for (long long e = global_tid(); e < total; e += grid_threads()) {
    long long i = e % inner, o = e / (inner * n);
    int k = idx[e];
    y[e] = (k >= 0 && k < d) ? x[(o * d + k) * inner + i] : T();
  }
}

// One thread per (o, i) column walks j in order: deterministic sums, no atomics.
template <class T>
__global__ void scatter_add_kernel(const T* __restrict__ base, const int* __restrict__ idx, const T* __restrict__ src, T* __restrict__ y,
                                   long long outer, long long d, long long inner, long long n) {
  const long long cols = outer * inner;
  for (long long c = global_tid(); c < cols; c += grid_threads()) {
    long long o = c / inner, i = c % inner;
    for (long long k = 0; k < d; k++) y[(o * d + k) * inner + i] = base[(o * d + k) * inner + i];
    for (long long j = 0; j < n; j++) {
      long long e = (o * n + j) * inner + i;
      int k = idx[e];
      if (k < 0 || k >= d) continue;
      long long t = (o * d + k) * inner + i;
      if constexpr (std::is_same<T, int>::value) y[t] = (T)((unsigned)y[t] + (unsigned)src[e]);
      else st(y, t, ld(y, t) + ld(src, e));
    }
  }
}

}  // namespace

void launch_index_select(int esize, const void* x, const int* idx, void* y, long long outer, long long d, long long inner, long long n, cudaStream_t stream) {
  const unsigned g = grid_for(outer * n * inner, 256);
  if (outer * n * inner <= 0) return;
  switch (esize) {
    case 1: TS_LAUNCH(index_select_kernel<uint8_t>, g, 256, 0, stream, (const uint8_t*)x, idx, (uint8_t*)y, outer, d, inner, n); break;
    case 2: TS_LAUNCH(index_select_kernel<uint16_t>, g, 256, 0, stream, (const uint16_t*)x, idx, (uint16_t*)y, outer, d, inner, n); break;
    default: TS_LAUNCH(index_select_kernel<uint32_t>, g, 256, 0, stream, (const uint32_t*)x, idx, (uint32_t*)y, outer, d, inner, n); break;
  }
}

void launch_gather(int esize, const void* x, const int* idx, void* y, long long outer, long long d, long long inner, long long n, cudaStream_t stream) {
  const unsigned g = grid_for(outer * n * inner, 256);
  if (outer * n * inner <= 0) return;
  switch (esize) {
    case 1: TS_LAUNCH(gather_kernel<uint8_t>, g, 256, 0, stream, (const uint8_t*)x, idx, (uint8_t*)y, outer, d, inner, n); break;
    case 2: TS_LAUNCH(gather_kernel<uint16_t>, g, 256, 0, stream, (const uint16_t*)x, idx, (uint16_t*)y, outer, d, inner, n); break;
    default: TS_LAUNCH(gather_kernel<uint32_t>, g, 256, 0, stream, (const uint32_t*)x, idx, (uint32_t*)y, outer, d, inner, n); break;
  }
}

void launch_scatter_add(int dtype, const void* base, const int* idx, const void* src, void* y, long long outer, long long d,
                        long long inner, long long n, cudaStream_t stream) {
  const long long cols = outer * inner;
  if (cols <= 0 || d <= 0) return;
  const unsigned g = grid_for(cols, 128);
  switch (dtype) {
    case F32: TS_LAUNCH(scatter_add_kernel<float>, g, 128, 0, stream, (const float*)base, idx, (const float*)src, (float*)y, outer, d, inner, n); break;
    case F16: TS_LAUNCH(scatter_add_kernel<f16>, g, 128, 0, stream, (const f16*)base, idx, (const f16*)src, (f16*)y, outer, d, inner, n); break;
    case BF16: TS_LAUNCH(scatter_add_kernel<bf16>, g, 128, 0, stream, (const bf16*)base, idx, (const bf16*)src, (bf16*)y, outer, d, inner, n); break;
    case I32: TS_LAUNCH(scatter_add_kernel<int>, g, 128, 0, stream, (const int*)base, idx, (const int*)src, (int*)y, outer, d, inner, n); break;
  }
}

}  // namespace tessera
