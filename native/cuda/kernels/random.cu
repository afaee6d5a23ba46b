// Counter-based random numbers: Philox4x32-10, bit-identical with every Tessera backend.
// uniform / bits / randint: element j takes word j % 4 of the block for counter (j / 4, offset, 0, 0);
// normal: words 0, 1 of counter (j, offset, 0, 0), Box-Muller evaluated in double.
#include "tessera_cuda.h"

namespace tessera {
namespace {

struct W4 { uint32_t w[4]; };

__host__ __device__ __forceinline__ void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  unsigned long long p = (unsigned long long)a * b;
  hi = (uint32_t)(p >> 32); lo = (uint32_t)p;
}

__host__ __device__ __forceinline__ W4 philox(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; round++) {
    if (round > 0) { k0 += 0x9e3779b9u; k1 += 0xbb67ae85u; }
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo(0xd2511f53u, c0, hi0, lo0);
    mulhilo(0xcd9e8d57u, c2, hi1, lo1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
  }
  return W4{{c0, c1, c2, c3}};
}

__global__ void random_kernel(int dist, uint32_t k0, uint32_t k1, uint32_t offset, int low, uint32_t range, void* __restrict__ y, long long n) {
  if (dist == RD_NORMAL) {
    for (long long j = global_tid(); j < n; j += grid_threads()) {
      W4 w = philox((uint32_t)j, offset, 0, 0, k0, k1);
      double u1 = ((double)(w.w[0] >> 8) + 1.0) * 5.9604644775390625e-8, u2 = (double)(w.w[1] >> 8) * 5.9604644775390625e-8;
      static_cast<float*>(y)[j] = (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
    }
    return;
  }
  const long long blocks = (n + 3) / 4;
  for (long long b = global_tid(); b < blocks; b += grid_threads()) {
    W4 w = philox((uint32_t)b, offset, 0, 0, k0, k1);
    for (int q = 0; q < 4; q++) {
      long long j = b * 4 + q;
      if (j >= n) break;
      uint32_t word = w.w[q];
      if (dist == RD_UNIFORM) static_cast<float*>(y)[j] = (float)(word >> 8) * 5.9604644775390625e-8f;
      else if (dist == RD_BITS) static_cast<int*>(y)[j] = (int)word;
      else static_cast<int*>(y)[j] = (int)(unsigned)((long long)low + (range ? (long long)(word % range) : 0));
    }
  }
}

}  // namespace

void launch_random(int dist, uint32_t k0, uint32_t k1, uint32_t offset, int low, uint32_t range, void* y, long long n, cudaStream_t stream) {
  if (n <= 0) return;
  const long long work = dist == RD_NORMAL ? n : (n + 3) / 4;
  TS_LAUNCH(random_kernel, grid_for(work, 256), 256, 0, stream, dist, k0, k1, offset, low, range, y, n);
}

}  // namespace tessera
