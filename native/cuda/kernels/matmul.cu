// Tessera's own batched GEMM (used when cuBLAS cannot be loaded, and always in cuda-sim):
// C[b] = A[b] @ B[b] for strided views (any row / column strides, batch stride 0 broadcasts).
//  - float32: 64x64 tile, BK = 16, 256 threads, 4x4 register micro-tile (SIMT FMA).
//  - float16 / bfloat16: 64x64 tile, BK = 32, 128 threads (4 warps, 32x32 each). On sm_80+ the
//    inner product runs on tensor cores (WMMA 16x16x16, f32 accumulation); elsewhere (and in the
//    simulator, which checks it) a plain path computes the same tile. Both paths end in the same
//    f32 shared-memory tile and the same epilogue (one rounding to the output type).
#include "tessera_cuda.h"
#if defined(__CUDACC__)
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <mma.h>
#endif

namespace tessera {
namespace {

constexpr int TM = 64, TN = 64;

// ------------------------------------------------------------------------------ float32 SIMT
constexpr int F_BK = 16, F_THREADS = 256;

__global__ void __launch_bounds__(F_THREADS) gemm_f32_kernel(GemmArgs g) {
  __shared__ float As[F_BK][TM + 4];
  __shared__ float Bs[F_BK][TN + 4];
  const float* A = static_cast<const float*>(g.a);
  const float* Bm = static_cast<const float*>(g.b);
  float* C = static_cast<float*>(g.c);
  const int t = threadIdx.x, tr = t / 16, tc = t % 16;
  const long long m0 = (long long)blockIdx.y * TM, n0 = (long long)blockIdx.x * TN;
  for (long long bz = blockIdx.z; bz < g.batch; bz += gridDim.z) {
    const float* a = A + bz * g.sab;
    const float* b = Bm + bz * g.sbb;
    float acc[4][4] = {};
    for (long long k0 = 0; k0 < g.K; k0 += F_BK) {
      for (int e = t; e < TM * F_BK; e += F_THREADS) {  // A tile: 64 rows x 16 k
        int i = e / F_BK, k = e % F_BK;
        long long gi = m0 + i, gk = k0 + k;
        As[k][i] = (gi < g.M && gk < g.K) ? a[gi * g.sam + gk * g.sak] : 0.f;
      }
      for (int e = t; e < TN * F_BK; e += F_THREADS) {  // B tile: 16 k x 64 cols
        int k = e / TN, j = e % TN;
        long long gk = k0 + k, gj = n0 + j;
        Bs[k][j] = (gk < g.K && gj < g.N) ? b[gk * g.sbk + gj * g.sbn] : 0.f;
      }
      __syncthreads();
#pragma unroll
      for (int k = 0; k < F_BK; k++) {
        float ra[4], rb[4];
#pragma unroll
        for (int r = 0; r < 4; r++) ra[r] = As[k][tr * 4 + r];
#pragma unroll
        for (int c = 0; c < 4; c++) rb[c] = Bs[k][tc * 4 + c];
#pragma unroll
        for (int r = 0; r < 4; r++)
#pragma unroll
          for (int c = 0; c < 4; c++) acc[r][c] = fmaf(ra[r], rb[c], acc[r][c]);
      }
      __syncthreads();
    }
    float* cb = C + bz * g.M * g.N;
    for (int r = 0; r < 4; r++) {
      long long gi = m0 + tr * 4 + r;
      if (gi >= g.M) continue;
      for (int c = 0; c < 4; c++) {
        long long gj = n0 + tc * 4 + c;
        if (gj < g.N) cb[gi * g.N + gj] = acc[r][c];
      }
    }
  }
}

// ------------------------------------------------------------------- float16 / bfloat16
constexpr int H_BK = 32, H_THREADS = 128, A_LD = H_BK + 8, B_LD = TN + 8, C_LD = TN + 4;

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
template <class T> struct WmmaType;
template <> struct WmmaType<f16> { using type = __half; };
template <> struct WmmaType<bf16> { using type = __nv_bfloat16; };
#else
template <class T> __device__ __forceinline__ float h2f(uint16_t v);
template <> __device__ __forceinline__ float h2f<f16>(uint16_t v) { return f16_to_f32(v); }
template <> __device__ __forceinline__ float h2f<bf16>(uint16_t v) { return bf16_to_f32(v); }
#endif

template <class T>
__global__ void __launch_bounds__(H_THREADS) gemm_half_kernel(GemmArgs g) {
  __shared__ __align__(32) uint16_t As[TM * A_LD];   // [64 rows][32 k] (+8 pad)
  __shared__ __align__(32) uint16_t Bs[H_BK * B_LD]; // [32 k][64 cols] (+8 pad)
  __shared__ __align__(32) float Cs[TM * C_LD];      // f32 result tile
  const uint16_t* A = static_cast<const uint16_t*>(g.a);
  const uint16_t* Bm = static_cast<const uint16_t*>(g.b);
  const int t = threadIdx.x;
  const long long m0 = (long long)blockIdx.y * TM, n0 = (long long)blockIdx.x * TN;
  for (long long bz = blockIdx.z; bz < g.batch; bz += gridDim.z) {
    const uint16_t* a = A + bz * g.sab;
    const uint16_t* b = Bm + bz * g.sbb;
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    using W = typename WmmaType<T>::type;
    namespace wm = nvcuda::wmma;
    wm::fragment<wm::accumulator, 16, 16, 16, float> acc[2][2];
#pragma unroll
    for (int i = 0; i < 2; i++)
#pragma unroll
      for (int j = 0; j < 2; j++) wm::fill_fragment(acc[i][j], 0.f);
    const int warp = t / 32, wr = (warp / 2) * 32, wc = (warp % 2) * 32;
#else
    float acc[4][8] = {};  // plain path: thread t owns rows (t/8)*4..+4, cols (t%8)*8..+8
    const int tr = t / 8, tc = t % 8;
#endif
    for (long long k0 = 0; k0 < g.K; k0 += H_BK) {
      for (int e = t; e < TM * H_BK; e += H_THREADS) {
        int i = e / H_BK, k = e % H_BK;
        long long gi = m0 + i, gk = k0 + k;
        As[i * A_LD + k] = (gi < g.M && gk < g.K) ? a[gi * g.sam + gk * g.sak] : (uint16_t)0;
      }
      for (int e = t; e < TN * H_BK; e += H_THREADS) {
        int k = e / TN, j = e % TN;
        long long gk = k0 + k, gj = n0 + j;
        Bs[k * B_LD + j] = (gk < g.K && gj < g.N) ? b[gk * g.sbk + gj * g.sbn] : (uint16_t)0;
      }
      __syncthreads();
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
#pragma unroll
      for (int kk = 0; kk < H_BK; kk += 16) {
        wm::fragment<wm::matrix_a, 16, 16, 16, W, wm::row_major> fa[2];
        wm::fragment<wm::matrix_b, 16, 16, 16, W, wm::row_major> fb[2];
#pragma unroll
        for (int i = 0; i < 2; i++) wm::load_matrix_sync(fa[i], reinterpret_cast<const W*>(As + (wr + 16 * i) * A_LD + kk), A_LD);
#pragma unroll
        for (int j = 0; j < 2; j++) wm::load_matrix_sync(fb[j], reinterpret_cast<const W*>(Bs + kk * B_LD + wc + 16 * j), B_LD);
#pragma unroll
        for (int i = 0; i < 2; i++)
#pragma unroll
          for (int j = 0; j < 2; j++) wm::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
      }
#else
      for (int k = 0; k < H_BK; k++) {
        float ra[4], rb[8];
        for (int r = 0; r < 4; r++) ra[r] = h2f<T>(As[(tr * 4 + r) * A_LD + k]);
        for (int c = 0; c < 8; c++) rb[c] = h2f<T>(Bs[k * B_LD + tc * 8 + c]);
        for (int r = 0; r < 4; r++)
          for (int c = 0; c < 8; c++) acc[r][c] = fmaf(ra[r], rb[c], acc[r][c]);
      }
#endif
      __syncthreads();
    }
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
#pragma unroll
    for (int i = 0; i < 2; i++)
#pragma unroll
      for (int j = 0; j < 2; j++) wm::store_matrix_sync(Cs + (wr + 16 * i) * C_LD + wc + 16 * j, acc[i][j], C_LD, wm::mem_row_major);
#else
    for (int r = 0; r < 4; r++)
      for (int c = 0; c < 8; c++) Cs[(tr * 4 + r) * C_LD + tc * 8 + c] = acc[r][c];
#endif
    __syncthreads();
    T* cb = static_cast<T*>(g.c) + bz * g.M * g.N;
    for (int e = t; e < TM * TN; e += H_THREADS) {  // epilogue: one rounding to the storage type
      int i = e / TN, j = e % TN;
      long long gi = m0 + i, gj = n0 + j;
      if (gi < g.M && gj < g.N) st(cb, gi * g.N + gj, Cs[i * C_LD + j]);
    }
    __syncthreads();
  }
}

}  // namespace

void launch_gemm(const GemmArgs& g, cudaStream_t stream) {
  if (g.batch <= 0 || g.M <= 0 || g.N <= 0) return;
  const dim3 grid((unsigned)((g.N + TN - 1) / TN), (unsigned)((g.M + TM - 1) / TM), (unsigned)(g.batch < 65535 ? g.batch : 65535));
  switch (g.dtype) {
    case F32: TS_LAUNCH(gemm_f32_kernel, grid, F_THREADS, 0, stream, g); break;
    case F16: TS_LAUNCH(gemm_half_kernel<f16>, grid, H_THREADS, 0, stream, g); break;
    case BF16: TS_LAUNCH(gemm_half_kernel<bf16>, grid, H_THREADS, 0, stream, g); break;
  }
}

}  // namespace tessera
