// cuda_sim.h — Tessera's CUDA simulator: the same .cu source compiles with nvcc (real GPU) and with
// a host C++ compiler + this header (CPU simulation, backend `cuda-sim`, tests without a GPU).
//
// Under nvcc this header only defines TS_LAUNCH / TS_DYN_SHARED. On the host:
//   - every CUDA thread of a block is a fiber (own mmap'd stack with a guard page); blocks run one
//     after another on the calling thread, so `__shared__` is simply `static`;
//   - fiber switch: a 6-register x86-64 switch (no syscall); ucontext under AddressSanitizer or on
//     other architectures (-DTS_SIM_UCONTEXT forces it);
//   - fast path: thread 0 of each block runs first on a fiber; if it finished without reaching a
//     barrier / warp primitive, the block's other threads run as plain calls (no fiber switches).
//     A barrier reached in that mode aborts with a message (a barrier only some threads reach is a
//     bug on the GPU too, except for threads that have exited);
//   - __syncthreads is a counting barrier that checks every thread waits at the same call site;
//     warp shuffles / votes exchange values through per-warp slots; a scheduler pass without
//     progress is reported as a deadlock.
// See native/cuda/README.md for the rules a kernel author follows.
#pragma once

#if defined(__CUDACC__) || defined(TS_CUDA_HOST_ONLY)  // ======================= real CUDA
// (TS_CUDA_HOST_ONLY: host-only translation units of the real build, e.g. the addon, that only
// need the declarations; they never launch kernels.)
#include <cuda_runtime.h>
#define TS_LAUNCH(kernel, grid, block, smem, stream, ...) kernel<<<(grid), (block), (smem), (stream)>>>(__VA_ARGS__)
#define TS_DYN_SHARED(T, name) \
  extern __shared__ __align__(16) unsigned char name##_ts_dyn[]; T* name = reinterpret_cast<T*>(name##_ts_dyn)

#else  // ======================================================================== host simulation
#define TS_CUDA_SIM 1
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <type_traits>
#include <vector>
#include <sys/mman.h>

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && !defined(TS_SIM_UCONTEXT)
#define TS_SIM_FAST_SWITCH 1
// ts_sim_switch(save, to): push callee-saved registers, store rsp in *save, load `to`, pop, return.
extern "C" void ts_sim_switch(void** save_sp, void* to_sp);
asm(".text\n.weak ts_sim_switch\n.hidden ts_sim_switch\n.type ts_sim_switch,@function\nts_sim_switch:\n"
    "pushq %rbp\npushq %rbx\npushq %r12\npushq %r13\npushq %r14\npushq %r15\n"
    "movq %rsp,(%rdi)\nmovq %rsi,%rsp\n"
    "popq %r15\npopq %r14\npopq %r13\npopq %r12\npopq %rbx\npopq %rbp\nret\n"
    ".size ts_sim_switch,.-ts_sim_switch\n");
#else
#include <ucontext.h>
#endif

// ---- CUDA keywords and vector types (own definitions: no toolkit headers needed) ----
#define __host__
#define __device__
#define __global__
#define __constant__ static
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __align__(n) __attribute__((aligned(n)))
#define __launch_bounds__(...)
#define __shared__ static  // blocks run one at a time: one static copy is per-block shared memory
struct uint3 { unsigned x, y, z; };
struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned a = 1, unsigned b = 1, unsigned c = 1) : x(a), y(b), z(c) {}
};
struct float2 { float x, y; };
struct __align__(16) float4 { float x, y, z, w; };
struct __align__(8) int2 { int x, y; };
struct __align__(16) int4 { int x, y, z, w; };
typedef struct CUstream_st* cudaStream_t;
static constexpr int warpSize = 32;

inline uint3 threadIdx, blockIdx;
inline dim3 blockDim, gridDim;

namespace ts_sim {

struct Barrier { int expected = 0, arrived = 0; unsigned gen = 0; const char* site = nullptr; };

struct Thread {
#ifdef TS_SIM_FAST_SWITCH
  void* sp = nullptr;
#else
  ucontext_t ctx;
#endif
  uint3 tid{}; int linear = 0; int warp = 0; unsigned exchanges = 0; bool done = false;
};

struct Sim {
  std::vector<Thread> th;
  std::vector<Barrier> warp_bar;
  Barrier block_bar;
  std::vector<unsigned char> slots;           // [warp][parity 2][lane 32][16 bytes]
  std::vector<std::max_align_t> dyn;          // dynamic shared memory
  std::vector<char*> stacks;
  size_t stack_bytes = 0;
  const std::function<void()>* body = nullptr;
  Thread* cur = nullptr;
  int live = 0;
  unsigned long progress = 0;
  bool flat = false;        // running threads as plain calls (no fiber): sync primitives forbidden
  bool used_sync = false;   // thread 0 reached a barrier / warp primitive
  unsigned long fibered_blocks = 0, flat_blocks = 0;  // statistics (tests)
#ifdef TS_SIM_FAST_SWITCH
  void* sched_sp = nullptr;
#else
  ucontext_t sched;
#endif
};
inline Sim& S() { static Sim s; return s; }
inline void* dyn_smem() { return S().dyn.data(); }

[[noreturn]] inline void fail(const char* what) {
  fprintf(stderr, "cuda-sim: %s (block %u,%u,%u thread %u,%u,%u)\n", what, blockIdx.x, blockIdx.y, blockIdx.z,
          threadIdx.x, threadIdx.y, threadIdx.z);
  abort();
}

inline void to_scheduler() {
  Sim& s = S();
#ifdef TS_SIM_FAST_SWITCH
  ts_sim_switch(&s.cur->sp, s.sched_sp);
#else
  swapcontext(&s.cur->ctx, &s.sched);
#endif
}

inline void on_sync_primitive() {
  Sim& s = S();
  if (s.flat) fail("a barrier / warp primitive was reached by a thread although thread 0 of its block reached none; "
                   "every thread of a block must take part in __syncthreads and warp primitives");
  s.used_sync = true;
}

inline void wait(Barrier& b) {
  Sim& s = S();
  unsigned g = b.gen; s.progress++;
  if (++b.arrived >= b.expected) { b.arrived = 0; b.gen++; b.site = nullptr; return; }
  do to_scheduler(); while (b.gen == g);
}
// A thread that exits no longer counts towards a barrier.
inline void leave(Barrier& b) {
  if (--b.expected > 0 && b.arrived > 0 && b.arrived >= b.expected) { b.arrived = 0; b.gen++; b.site = nullptr; }
}

inline void thread_body() {
  Sim& s = S();
  (*s.body)();
  s.cur->done = true;
  leave(s.block_bar);
  leave(s.warp_bar[s.cur->warp]);
  s.live--; s.progress++;
}
#ifdef TS_SIM_FAST_SWITCH
[[noreturn]] inline void fiber_entry() { thread_body(); to_scheduler(); __builtin_trap(); }
#endif

inline char* stack(size_t i) {
  Sim& s = S();
  static const size_t kib = getenv("TS_SIM_STACK_KB") ? (size_t)atoi(getenv("TS_SIM_STACK_KB")) : 128;
  if (s.stack_bytes != kib * 1024) {
    for (char* p : s.stacks) munmap(p, s.stack_bytes + 4096);
    s.stacks.clear(); s.stack_bytes = kib * 1024;
  }
  while (s.stacks.size() <= i) {  // the lowest page is a guard page: overflow faults, never corrupts
    char* p = (char*)mmap(nullptr, s.stack_bytes + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) { perror("cuda-sim: mmap"); abort(); }
    mprotect(p, 4096, PROT_NONE);
    s.stacks.push_back(p);
  }
  return s.stacks[i] + 4096;
}

inline void start_fiber(Thread& t, size_t i) {
  Sim& s = S();
#ifdef TS_SIM_FAST_SWITCH  // initial frame: 6 zero callee-saved registers, then the "return address"
  void** top = (void**)(stack(i) + s.stack_bytes);
  top[-1] = nullptr;                    // keeps rsp % 16 == 8 at fiber_entry, as after a call
  top[-2] = (void*)&fiber_entry;
  for (int r = 3; r <= 8; r++) top[-r] = nullptr;
  t.sp = top - 8;
#else
  getcontext(&t.ctx);
  t.ctx.uc_stack.ss_sp = stack(i); t.ctx.uc_stack.ss_size = s.stack_bytes; t.ctx.uc_link = &s.sched;
  makecontext(&t.ctx, (void (*)())thread_body, 0);
#endif
}

inline void resume(Thread& t) {
  Sim& s = S();
  s.cur = &t; threadIdx = t.tid;
#ifdef TS_SIM_FAST_SWITCH
  ts_sim_switch(&s.sched_sp, t.sp);
#else
  swapcontext(&s.sched, &t.ctx);
#endif
}

inline void run_block() {
  Sim& s = S();
  const int n = (int)s.th.size();
  s.live = n; s.used_sync = false; s.flat = false;
  // thread 0 first, on a fiber: does this block use barriers / warp primitives at all?
  start_fiber(s.th[0], 0);
  resume(s.th[0]);
  if (s.th[0].done && !s.used_sync) {
    s.flat = true; s.flat_blocks++;
    for (int i = 1; i < n; i++) {
      s.cur = &s.th[i]; threadIdx = s.th[i].tid;
      (*s.body)();
      s.th[i].done = true;
    }
    s.flat = false; s.live = 0;
    return;
  }
  s.fibered_blocks++;
  for (int i = 1; i < n; i++) start_fiber(s.th[i], i);
  while (s.live > 0) {
    unsigned long p0 = s.progress;
    for (int i = 0; i < n; i++) if (!s.th[i].done) resume(s.th[i]);
    if (s.live > 0 && s.progress == p0) fail("deadlock: threads wait at a barrier / warp primitive that others never reach");
  }
}

template <class F> void launch(dim3 grid, dim3 block, size_t smem, F&& fn) {
  Sim& s = S();
  if (s.body) fail("kernel launched from inside a kernel (dynamic parallelism is not simulated)");
  const int n = (int)(block.x * block.y * block.z), nw = (n + 31) / 32;
  if (n <= 0 || n > 1024) fail("block size must be 1..1024 threads");
  if (grid.x == 0 || grid.y == 0 || grid.z == 0) return;
  std::function<void()> body(std::forward<F>(fn));
  s.body = &body;
  gridDim = grid; blockDim = block;
  s.th.assign(n, Thread{});
  s.warp_bar.assign(nw, Barrier{});
  s.slots.assign((size_t)nw * 2 * 32 * 16, 0);
  s.dyn.assign((smem + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t) + 1, std::max_align_t{});
  for (unsigned bz = 0; bz < grid.z; bz++)
    for (unsigned by = 0; by < grid.y; by++)
      for (unsigned bx = 0; bx < grid.x; bx++) {
        blockIdx = uint3{bx, by, bz};
        s.block_bar = Barrier{}; s.block_bar.expected = n;
        for (int w = 0; w < nw; w++) { s.warp_bar[w] = Barrier{}; s.warp_bar[w].expected = n - 32 * w < 32 ? n - 32 * w : 32; }
        for (int i = 0; i < n; i++) {
          Thread& t = s.th[i];
          t.tid = uint3{unsigned(i % block.x), unsigned(i / block.x % block.y), unsigned(i / (block.x * block.y))};
          t.linear = i; t.warp = i / 32; t.exchanges = 0; t.done = false;
        }
        run_block();
      }
  s.body = nullptr; s.cur = nullptr;
}

// Warp exchange: each live lane publishes up to 16 bytes, waits for the warp, then reads others'.
// Slots alternate between two parities, so one barrier per exchange suffices.
inline const unsigned char* publish(const void* v, size_t bytes) {
  on_sync_primitive();
  Sim& s = S(); Thread* me = s.cur;
  unsigned char* base = &s.slots[((size_t)(me->warp * 2 + (me->exchanges & 1)) * 32) * 16];
  memcpy(base + (me->linear & 31) * 16, v, bytes);
  me->exchanges++;
  wait(s.warp_bar[me->warp]);
  return base;
}
inline int lane() { return S().cur->linear & 31; }
inline int lanes_in_warp() { Sim& s = S(); int r = (int)s.th.size() - s.cur->warp * 32; return r < 32 ? r : 32; }
template <class T> T exchange(T v, int src, bool valid) {
  static_assert(sizeof(T) <= 16, "warp shuffle of a type larger than 16 bytes");
  const unsigned char* base = publish(&v, sizeof(T));
  if (!valid || src < 0 || src >= lanes_in_warp()) return v;
  T r; memcpy(&r, base + src * 16, sizeof(T)); return r;
}
}  // namespace ts_sim

#define TS_LAUNCH(kernel, grid, block, smem, stream, ...) \
  ((void)(stream), ::ts_sim::launch((grid), (block), (smem), [&] { kernel(__VA_ARGS__); }))
#define TS_DYN_SHARED(T, name) T* name = reinterpret_cast<T*>(::ts_sim::dyn_smem())

// ---- barriers and warp primitives (the mask is ignored: every live lane of the warp takes part)
inline void ts_sim_syncthreads(const char* site) {
  ts_sim::on_sync_primitive();
  ts_sim::Barrier& b = ts_sim::S().block_bar;
  asm volatile("" ::: "memory");
  if (b.arrived == 0) b.site = site;
  else if (b.site != site && strcmp(b.site, site) != 0) {
    fprintf(stderr, "cuda-sim: threads of one block wait at different __syncthreads: %s and %s\n", b.site, site);
    abort();
  }
  ts_sim::wait(b);
  asm volatile("" ::: "memory");
}
#define TS_SIM_STR2(x) #x
#define TS_SIM_STR(x) TS_SIM_STR2(x)
#define __syncthreads() ts_sim_syncthreads(__FILE__ ":" TS_SIM_STR(__LINE__))
inline void __syncwarp(unsigned = 0xffffffffu) { int z = 0; ts_sim::publish(&z, sizeof z); }
inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence_block() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
template <class T> T __shfl_sync(unsigned, T v, int src, int w = 32) {
  int l = ts_sim::lane(); return ts_sim::exchange(v, (l & ~(w - 1)) + (src & (w - 1)), true); }
template <class T> T __shfl_xor_sync(unsigned, T v, int m, int w = 32) {
  int l = ts_sim::lane(), s = l ^ m; return ts_sim::exchange(v, s, (s & ~(w - 1)) <= (l & ~(w - 1))); }
template <class T> T __shfl_down_sync(unsigned, T v, unsigned d, int w = 32) {
  int l = ts_sim::lane(); return ts_sim::exchange(v, l + (int)d, (l & (w - 1)) + (int)d < w); }
template <class T> T __shfl_up_sync(unsigned, T v, unsigned d, int w = 32) {
  int l = ts_sim::lane(); return ts_sim::exchange(v, l - (int)d, (l & (w - 1)) >= (int)d); }
inline unsigned __ballot_sync(unsigned, int p) {
  int v = p != 0; const unsigned char* base = ts_sim::publish(&v, sizeof v);
  unsigned r = 0; int n = ts_sim::lanes_in_warp();
  for (int i = 0; i < n; i++) { int x; memcpy(&x, base + i * 16, sizeof x); r |= unsigned(x != 0) << i; }
  return r;
}
inline int __any_sync(unsigned m, int p) { return __ballot_sync(m, p) != 0; }
inline int __all_sync(unsigned m, int p) {
  int n = ts_sim::lanes_in_warp(); return __ballot_sync(m, p) == (n == 32 ? 0xffffffffu : (1u << n) - 1u); }
inline unsigned __activemask() { return 0xffffffffu; }

// ---- atomics (one host thread runs every fiber, but keep them real atomics anyway)
template <class T> T ts_sim_atomic_add(T* a, T v) {
  if constexpr (std::is_integral<T>::value) { return __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST); }
  else {
    T old, nv; __atomic_load(a, &old, __ATOMIC_RELAXED);
    do nv = old + v; while (!__atomic_compare_exchange(a, &old, &nv, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
    return old;
  }
}
inline float atomicAdd(float* a, float v) { return ts_sim_atomic_add(a, v); }
inline double atomicAdd(double* a, double v) { return ts_sim_atomic_add(a, v); }
inline int atomicAdd(int* a, int v) { return ts_sim_atomic_add(a, v); }
inline unsigned atomicAdd(unsigned* a, unsigned v) { return ts_sim_atomic_add(a, v); }
inline unsigned long long atomicAdd(unsigned long long* a, unsigned long long v) { return ts_sim_atomic_add(a, v); }
inline int atomicCAS(int* a, int c, int v) { __atomic_compare_exchange_n(a, &c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return c; }
inline unsigned atomicCAS(unsigned* a, unsigned c, unsigned v) { __atomic_compare_exchange_n(a, &c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return c; }
inline unsigned short atomicCAS(unsigned short* a, unsigned short c, unsigned short v) { __atomic_compare_exchange_n(a, &c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return c; }
inline int atomicExch(int* a, int v) { return __atomic_exchange_n(a, v, __ATOMIC_SEQ_CST); }

// ---- device intrinsics (host versions are the accurate libm functions)
inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __sinf(float x) { return sinf(x); }
inline float __cosf(float x) { return cosf(x); }
inline float __powf(float x, float y) { return powf(x, y); }
inline float __fdividef(float a, float b) { return a / b; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __fsqrt_rn(float x) { return sqrtf(x); }
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline float __saturatef(float x) { return x < 0.f ? 0.f : (x > 1.f ? 1.f : x); }
inline float __fmaf_rn(float a, float b, float c) { return fmaf(a, b, c); }
inline float __int_as_float(int i) { float f; memcpy(&f, &i, 4); return f; }
inline int __float_as_int(float f) { int i; memcpy(&i, &f, 4); return i; }
inline float __uint_as_float(unsigned i) { float f; memcpy(&f, &i, 4); return f; }
inline unsigned __float_as_uint(float f) { unsigned i; memcpy(&i, &f, 4); return i; }
inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned)(((unsigned long long)a * b) >> 32); }
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __clz(int x) { return x ? __builtin_clz((unsigned)x) : 32; }
template <class T> T __ldg(const T* p) { return *p; }
template <class A, class B> auto min(A a, B b) -> std::common_type_t<A, B> { return b < a ? b : a; }
template <class A, class B> auto max(A a, B b) -> std::common_type_t<A, B> { return a < b ? b : a; }
#endif  // __CUDACC__
