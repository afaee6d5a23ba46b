// Reductions over the last axis of a contiguous [outer, n] input: sum, max, min (NaN propagates),
// argmax (first maximum; NaN counts as the maximum). Float inputs accumulate in f32; int32 sums wrap.
// Short rows: one thread per row. Long rows: one block per row, tree reduction in shared memory.
#include "tessera_cuda.h"
#include <type_traits>

namespace tessera {
namespace {

constexpr int kBlock = 128;

template <class A> struct Acc { A v; long long i; };

template <class A> __device__ __forceinline__ bool is_nan(A v) { return v != v; }

// Is (v, i) a better arg-maximum than (w, j)?  NaN beats numbers; ties go to the lower index.
template <class A> __device__ __forceinline__ bool better(A v, long long i, A w, long long j) {
  if (is_nan(v)) return !is_nan(w) || i < j;
  if (is_nan(w)) return false;
  return v > w || (v == w && i < j);
}

template <class A> __device__ __forceinline__ A combine(int op, A a, A b) {
  if (op == R_SUM) {
    if constexpr (std::is_same<A, int>::value) return (int)((unsigned)a + (unsigned)b);
    else return a + b;
  }
  if (is_nan(a)) return a;
  if (is_nan(b)) return b;
  return op == R_MAX ? (a > b ? a : b) : (a < b ? a : b);
}

template <class T> struct AccType { using type = float; };
template <> struct AccType<int> { using type = int; };

template <class T> __device__ __forceinline__ typename AccType<T>::type load_acc(const T* p, long long i) {
  if constexpr (std::is_same<T, int>::value) return p[i];
  else return ld(p, i);
}

template <class T>
__device__ __forceinline__ void store_result(int op, void* y, long long row, Acc<typename AccType<T>::type> r) {
  if (op == R_ARGMAX) static_cast<int*>(y)[row] = (int)r.i;
  else if constexpr (std::is_same<T, int>::value) static_cast<int*>(y)[row] = r.v;
  else st(static_cast<T*>(y), row, (float)r.v);
}

template <class T>
__device__ __forceinline__ Acc<typename AccType<T>::type> scan(int op, const T* xr, long long start, long long n, long long step) {
  using A = typename AccType<T>::type;
  Acc<A> r{A(0), -1};
  for (long long j = start; j < n; j += step) {
    A v = load_acc(xr, j);
    if (r.i < 0) { r.v = v; r.i = j; continue; }
    if (op == R_ARGMAX) { if (better(v, j, r.v, r.i)) { r.v = v; r.i = j; } }
    else r.v = combine(op, r.v, v);
  }
  return r;
}

template <class T>
__global__ void reduce_thread_rows(int op, const T* __restrict__ x, void* __restrict__ y, long long outer, long long n) {
  for (long long row = global_tid(); row < outer; row += grid_threads()) {
    auto r = scan(op, x + row * n, 0, n, 1);
    if (r.i < 0) { r.v = 0; r.i = 0; }  // n == 0: sum is 0
    store_result<T>(op, y, row, r);
  }
}

template <class T>
__global__ void __launch_bounds__(kBlock) reduce_block_rows(int op, const T* __restrict__ x, void* __restrict__ y, long long outer, long long n) {
  using A = typename AccType<T>::type;
  __shared__ A sv[kBlock];
  __shared__ long long si[kBlock];
  for (long long row = blockIdx.x; row < outer; row += gridDim.x) {
    auto r = scan(op, x + row * n, threadIdx.x, n, kBlock);
    sv[threadIdx.x] = r.v; si[threadIdx.x] = r.i;
    __syncthreads();
    for (int half = kBlock / 2; half > 0; half >>= 1) {
      if ((int)threadIdx.x < half) {
        A v = sv[threadIdx.x + half]; long long i = si[threadIdx.x + half];
        A w = sv[threadIdx.x]; long long j = si[threadIdx.x];
        if (i >= 0) {
          if (j < 0) { sv[threadIdx.x] = v; si[threadIdx.x] = i; }
          else if (op == R_ARGMAX) { if (better(v, i, w, j)) { sv[threadIdx.x] = v; si[threadIdx.x] = i; } }
          else sv[threadIdx.x] = combine(op, w, v);
        }
      }
      __syncthreads();
    }
    if (threadIdx.x == 0) store_result<T>(op, y, row, Acc<A>{sv[0], si[0]});
    __syncthreads();
  }
}

template <class T>
void reduce_as(int op, const void* x, void* y, long long outer, long long n, cudaStream_t stream) {
  if (n <= 64) TS_LAUNCH(reduce_thread_rows<T>, grid_for(outer, kBlock), kBlock, 0, stream, op, (const T*)x, y, outer, n);
  else TS_LAUNCH(reduce_block_rows<T>, grid_for(outer, 1), kBlock, 0, stream, op, (const T*)x, y, outer, n);
}

}  // namespace

void launch_reduce(int op, int dtype, const void* x, void* y, long long outer, long long n, cudaStream_t stream) {
  if (outer <= 0) return;
  switch (dtype) {
    case F32: reduce_as<float>(op, x, y, outer, n, stream); break;
    case F16: reduce_as<f16>(op, x, y, outer, n, stream); break;
    case BF16: reduce_as<bf16>(op, x, y, outer, n, stream); break;
    case I32: reduce_as<int>(op, x, y, outer, n, stream); break;
  }
}

}  // namespace tessera
