// Simulator kernel tests (ctest; also run under AddressSanitizer): every launcher against a plain
// C++ reference, plus the simulator's own guarantees (barriers, shuffles, flat fast path, deadlock
// and divergent-barrier detection). Built with the host compiler + cuda_sim.h: no GPU needed.
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>
#include "runtime.h"
#include "tessera_cuda.h"

using namespace tessera;

static int failures = 0, passes = 0;
static void check(const std::string& name, double err, double tol) {
  bool ok = err <= tol;
  (ok ? passes : failures)++;
  printf("%-44s %s  max_err=%.3g (tol %.1g)\n", name.c_str(), ok ? "PASS" : "FAIL", err, tol);
}
static std::mt19937 rng(1234);
static std::vector<float> randv(size_t n, float lo = -1.f, float hi = 1.f) {
  std::uniform_real_distribution<float> U(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = U(rng);
  return v;
}
static Strided contiguous(long long n, int operands) {
  Strided s{};
  s.nd = 1; s.numel = n; s.shape[0] = n;
  for (int q = 0; q < operands; q++) s.st[q][0] = 1;
  return s;
}

// ---- simulator self-tests
__global__ void block_sum_kernel(const float* x, float* out, int n) {
  __shared__ float red[32];
  float v = 0.f;
  for (int i = threadIdx.x; i < n; i += blockDim.x) v += x[i];
  v = block_reduce(v, SumOp(), 0.f, red);
  if (threadIdx.x == 0) out[blockIdx.x] = v;
}
__global__ void shuffle_kernel(int* out) {
  int l = threadIdx.x & 31;
  out[threadIdx.x] = __shfl_down_sync(0xffffffffu, l * 10, 3) + __shfl_xor_sync(0xffffffffu, l, 1) * 1000;
}
__global__ void divergent_kernel(float* x) {
  if (threadIdx.x < 16) { __syncthreads(); x[threadIdx.x] = 1.f; }
  else { __syncthreads(); x[threadIdx.x] = 2.f; }
}

static void sim_tests() {
  auto x = randv(1000);
  float out = 0.f;
  TS_LAUNCH(block_sum_kernel, 1, 128, 0, nullptr, x.data(), &out, 1000);
  double ref = 0; for (float v : x) ref += v;
  check("sim: block reduce (shuffles + barriers)", fabs(ref - out), 1e-3);
  std::vector<int> s(64);
  TS_LAUNCH(shuffle_kernel, 1, 64, 0, nullptr, s.data());
  double e = 0;
  for (int t = 0; t < 64; t++) {
    int l = t & 31, down = l + 3 < 32 ? (l + 3) * 10 : l * 10;
    e += fabs((double)s[t] - (down + (l ^ 1) * 1000));
  }
  check("sim: __shfl_down_sync / __shfl_xor_sync", e, 0);
  auto before = ts_sim::S().flat_blocks;
  std::vector<float> a(4096, 1.f), y(4096);
  launch_unary(U_NEG, F32, a.data(), y.data(), contiguous(4096, 2), nullptr);
  check("sim: barrier-free kernels run flat (no fibers)", ts_sim::S().flat_blocks > before ? 0 : 1, 0);
}

// ---- kernels against references
static void elementwise_tests() {
  const long long R = 37, C = 53;
  auto a = randv(R * C), b = randv(C, 0.5f, 2.f);
  std::vector<float> y(R * C);
  Strided s{};  // a [R, C] row-major, b broadcast over rows (stride 0), y contiguous
  s.nd = 2; s.numel = R * C; s.shape[0] = R; s.shape[1] = C;
  s.st[0][0] = C; s.st[0][1] = 1; s.st[1][0] = 0; s.st[1][1] = 1; s.st[2][0] = C; s.st[2][1] = 1;
  launch_binary(B_DIV, F32, a.data(), b.data(), y.data(), s, nullptr);
  double e = 0;
  for (long long i = 0; i < R; i++) for (long long j = 0; j < C; j++) e = fmax(e, fabs(a[i * C + j] / b[j] - y[i * C + j]));
  check("binary div, broadcast by stride 0", e, 1e-6);
  // transposed read: y[j, i] = exp(a[i, j])
  Strided t{};
  t.nd = 2; t.numel = R * C; t.shape[0] = C; t.shape[1] = R;
  t.st[0][0] = 1; t.st[0][1] = C; t.st[1][0] = R; t.st[1][1] = 1;
  launch_unary(U_EXP, F32, a.data(), y.data(), t, nullptr);
  e = 0;
  for (long long j = 0; j < C; j++) for (long long i = 0; i < R; i++) e = fmax(e, fabs(exp(a[i * C + j]) - y[j * R + i]));
  check("unary exp of a transposed view", e, 1e-5);
  // casts: f32 -> bf16 -> f32 and f32 -> int32 wrap
  std::vector<float> f = {1.f, -2.5f, 3.1415926f, 65504.f, 1e-8f, -0.f, 3e9f, -3e9f};
  std::vector<uint16_t> h(f.size());
  std::vector<int> iv(f.size());
  launch_cast(F32, BF16, f.data(), h.data(), contiguous(f.size(), 2), nullptr);
  e = 0;
  for (size_t i = 0; i < f.size(); i++) e = fmax(e, fabs(bf16_to_f32(h[i]) - f[i]) / fmax(1e-30, fabs(f[i])));
  check("cast f32 -> bf16 (relative)", e, 4e-3);
  launch_cast(F32, I32, f.data(), iv.data(), contiguous(f.size(), 2), nullptr);
  check("cast f32 -> int32 truncates and wraps", (iv[1] == -2 && iv[2] == 3 && iv[6] == (int)(3000000000LL - 4294967296LL) && iv[7] == 1294967296) ? 0 : 1, 0);
  uint16_t hh = f32_to_f16(65504.f), h1 = f32_to_f16(1.0009765625f), tiny = f32_to_f16(5.9604644775390625e-8f);
  check("f16 round trip (max, 1+ulp, subnormal)", fabs(f16_to_f32(hh) - 65504.f) + fabs(f16_to_f32(h1) - 1.0009765625f) + fabs(f16_to_f32(tiny) - 5.9604644775390625e-8f), 0);
}

static void reduce_tests() {
  for (long long n : {7LL, 300LL}) {
    const long long outer = 19;
    auto x = randv(outer * n);
    x[5] = 3.f;
    std::vector<float> s(outer), m(outer);
    std::vector<int> am(outer);
    launch_reduce(R_SUM, F32, x.data(), s.data(), outer, n, nullptr);
    launch_reduce(R_MAX, F32, x.data(), m.data(), outer, n, nullptr);
    launch_reduce(R_ARGMAX, F32, x.data(), am.data(), outer, n, nullptr);
    double e = 0; int bad = 0;
    for (long long r = 0; r < outer; r++) {
      double ss = 0; float mm = -INFINITY; int ai = 0;
      for (long long j = 0; j < n; j++) { float v = x[r * n + j]; ss += v; if (v > mm) { mm = v; ai = (int)j; } }
      e = fmax(e, fabs(ss - s[r])); bad += mm != m[r]; bad += ai != am[r];
    }
    check("reduce sum n=" + std::to_string(n), e, 1e-4);
    check("reduce max / argmax n=" + std::to_string(n), bad, 0);
  }
}

static void softmax_norm_tests() {
  const long long outer = 9, n = 133;
  auto x = randv(outer * n, -4.f, 4.f), w = randv(n), b = randv(n);
  std::vector<float> y(outer * n), z(outer * n);
  launch_softmax(F32, false, x.data(), y.data(), outer, n, nullptr);
  launch_layernorm(F32, x.data(), w.data(), b.data(), z.data(), outer, n, 1e-5f, nullptr);
  double e1 = 0, e2 = 0;
  for (long long r = 0; r < outer; r++) {
    double m = -1e30, s = 0, mean = 0, var = 0;
    for (long long j = 0; j < n; j++) m = fmax(m, x[r * n + j]);
    for (long long j = 0; j < n; j++) s += exp(x[r * n + j] - m);
    for (long long j = 0; j < n; j++) mean += x[r * n + j];
    mean /= n;
    for (long long j = 0; j < n; j++) var += (x[r * n + j] - mean) * (x[r * n + j] - mean);
    var /= n;
    for (long long j = 0; j < n; j++) {
      e1 = fmax(e1, fabs(exp(x[r * n + j] - m) / s - y[r * n + j]));
      e2 = fmax(e2, fabs((x[r * n + j] - mean) / sqrt(var + 1e-5) * w[j] + b[j] - z[r * n + j]));
    }
  }
  check("softmax 9x133", e1, 1e-6);
  check("layerNorm 9x133", e2, 1e-5);
}

static void gemm_ref(const GemmArgs& g, const std::vector<float>& A, const std::vector<float>& B, std::vector<double>& C) {
  C.assign(g.batch * g.M * g.N, 0.0);
  for (long long z = 0; z < g.batch; z++)
    for (long long i = 0; i < g.M; i++)
      for (long long j = 0; j < g.N; j++) {
        double s = 0;
        for (long long k = 0; k < g.K; k++) s += (double)A[z * g.sab + i * g.sam + k * g.sak] * B[z * g.sbb + k * g.sbk + j * g.sbn];
        C[(z * g.M + i) * g.N + j] = s;
      }
}

static void matmul_tests() {
  // fp32, ragged, A transposed, B broadcast over the batch (stride 0)
  const long long batch = 3, M = 70, N = 45, K = 33;
  auto A = randv(batch * M * K), B = randv(K * N);
  std::vector<float> Cf(batch * M * N);
  GemmArgs g{F32, batch, M, N, K, A.data(), M * K, 1, M, B.data(), 0, N, 1, Cf.data()};
  launch_gemm(g, nullptr);
  std::vector<double> R;
  gemm_ref(g, A, B, R);
  double e = 0;
  for (size_t i = 0; i < R.size(); i++) e = fmax(e, fabs(R[i] - Cf[i]));
  check("gemm f32 70x45x33, transA, batch-broadcast B", e, 1e-4);
  // bf16 (plain path of the tensor-core kernel), f32 accumulation
  std::vector<uint16_t> Ah(A.size()), Bh(B.size()), Ch(batch * M * N);
  for (size_t i = 0; i < A.size(); i++) { Ah[i] = f32_to_bf16(A[i]); A[i] = bf16_to_f32(Ah[i]); }
  for (size_t i = 0; i < B.size(); i++) { Bh[i] = f32_to_bf16(B[i]); B[i] = bf16_to_f32(Bh[i]); }
  GemmArgs h{BF16, batch, M, N, K, Ah.data(), M * K, K, 1, Bh.data(), 0, 1, K, Ch.data()};  // B transposed
  launch_gemm(h, nullptr);
  gemm_ref(h, A, B, R);
  e = 0;
  for (size_t i = 0; i < R.size(); i++) e = fmax(e, fabs(R[i] - bf16_to_f32(Ch[i])) / (1 + fabs(R[i])));
  check("gemm bf16 70x45x33, transB (plain path)", e, 8e-3);
}

static void attention_tests() {
  const long long Bn = 2, tq = 37, tk = 45, d = 16, dv = 8;
  auto q = randv(Bn * tq * d), k = randv(Bn * tk * d), v = randv(Bn * tk * dv), mask = randv(tq * tk, -2.f, 0.f);
  for (long long j = 0; j < tk; j++) mask[3 * tk + j] = -INFINITY;  // query 3 fully masked -> 0
  std::vector<float> o(Bn * tq * dv);
  for (int causal = 0; causal < 2; causal++) {
    AttnArgs a{};
    a.dtype = F32; a.B = Bn; a.tq = tq; a.tk = tk; a.d = d; a.dv = dv;
    a.q = q.data(); a.sqb = tq * d; a.sqt = d; a.sqd = 1;
    a.k = k.data(); a.skb = tk * d; a.skt = d; a.skd = 1;
    a.v = v.data(); a.svb = tk * dv; a.svt = dv; a.svd = 1;
    a.mask = mask.data(); a.mask_dtype = F32; a.smb = 0; a.smq = tk; a.smk = 1;
    a.o = o.data(); a.scale = 0.25f; a.causal = causal;
    launch_attention(a, nullptr);
    double e = 0;
    for (long long b = 0; b < Bn; b++)
      for (long long i = 0; i < tq; i++) {
        std::vector<double> s(tk);
        double m = -INFINITY;
        for (long long j = 0; j < tk; j++) {
          double acc = 0;
          for (long long x = 0; x < d; x++) acc += (double)q[(b * tq + i) * d + x] * k[(b * tk + j) * d + x];
          s[j] = (causal && j > i + (tk - tq)) ? -INFINITY : acc * 0.25 + mask[i * tk + j];
          m = fmax(m, s[j]);
        }
        double l = 0;
        for (long long j = 0; j < tk; j++) { s[j] = m == -INFINITY ? 0 : exp(s[j] - m); l += s[j]; }
        for (long long c = 0; c < dv; c++) {
          double acc = 0;
          for (long long j = 0; j < tk; j++) acc += s[j] * v[(b * tk + j) * dv + c];
          e = fmax(e, fabs((l > 0 ? acc / l : 0) - o[(b * tq + i) * dv + c]));
        }
      }
    check(std::string("attention flash fwd ") + (causal ? "causal + mask" : "mask"), e, 1e-5);
  }
}

// float64 reference of attention backward (dq, dk, dv); mask [tq, tk] broadcast over the batch
static void attention_bwd_ref(long long Bn, long long tq, long long tk, long long d, long long dv, const std::vector<float>& q,
                              const std::vector<float>& k, const std::vector<float>& v, const float* mask,
                              const std::vector<float>& dO, double scale, bool causal, std::vector<double>& dq,
                              std::vector<double>& dk, std::vector<double>& dvv) {
  dq.assign(Bn * tq * d, 0); dk.assign(Bn * tk * d, 0); dvv.assign(Bn * tk * dv, 0);
  for (long long b = 0; b < Bn; b++)
    for (long long i = 0; i < tq; i++) {
      std::vector<double> p(tk), dp(tk);
      double m = -INFINITY, l = 0, D = 0;
      for (long long j = 0; j < tk; j++) {
        double acc = 0;
        for (long long x = 0; x < d; x++) acc += (double)q[(b * tq + i) * d + x] * k[(b * tk + j) * d + x];
        p[j] = (causal && j > i + (tk - tq)) ? -INFINITY : acc * scale + (mask ? mask[i * tk + j] : 0.f);
        m = fmax(m, p[j]);
      }
      for (long long j = 0; j < tk; j++) { p[j] = m == -INFINITY ? 0 : exp(p[j] - m); l += p[j]; }
      for (long long j = 0; j < tk; j++) {
        p[j] = l > 0 ? p[j] / l : 0;
        dp[j] = 0;
        for (long long c = 0; c < dv; c++) dp[j] += (double)dO[(b * tq + i) * dv + c] * v[(b * tk + j) * dv + c];
        D += p[j] * dp[j];
      }
      for (long long j = 0; j < tk; j++) {
        double ds = p[j] * (dp[j] - D);
        for (long long c = 0; c < dv; c++) dvv[(b * tk + j) * dv + c] += p[j] * dO[(b * tq + i) * dv + c];
        for (long long x = 0; x < d; x++) {
          dq[(b * tq + i) * d + x] += scale * ds * k[(b * tk + j) * d + x];
          dk[(b * tk + j) * d + x] += scale * ds * q[(b * tq + i) * d + x];
        }
      }
    }
}

static double max_err(const std::vector<double>& r, const std::vector<float>& y) {
  double e = 0;
  for (size_t i = 0; i < r.size(); i++) e = fmax(e, fabs(r[i] - y[i]) / (1 + fabs(r[i])));
  return e;
}

static void attention_bwd_tests() {
  struct Case { long long B, tq, tk, d, dv; bool causal, mask; };
  const Case cases[] = {{2, 37, 45, 16, 8, false, true}, {2, 37, 45, 16, 8, true, true}, {1, 50, 33, 7, 5, true, false},
                        {3, 5, 70, 9, 11, false, false}, {1, 1, 1, 3, 2, true, true}};
  for (const Case& cs : cases) {
    const long long Bn = cs.B, tq = cs.tq, tk = cs.tk, d = cs.d, dv = cs.dv;
    auto q = randv(Bn * tq * d), k = randv(Bn * tk * d), v = randv(Bn * tk * dv), dO = randv(Bn * tq * dv);
    auto mask = randv(tq * tk, -2.f, 0.f);
    if (tq > 3) for (long long j = 0; j < tk; j++) mask[3 * tk + j] = -INFINITY;  // query 3 fully masked -> 0
    // q is read transposed per batch ([B, d, tq] storage) to exercise strides
    std::vector<float> qT(q.size());
    for (long long b = 0; b < Bn; b++)
      for (long long i = 0; i < tq; i++)
        for (long long x = 0; x < d; x++) qT[(b * d + x) * tq + i] = q[(b * tq + i) * d + x];
    std::vector<float> dq(Bn * tq * d, NAN), dk(Bn * tk * d, NAN), dvv(Bn * tk * dv, NAN);
    AttnBwdArgs a{};
    a.B = Bn; a.tq = tq; a.tk = tk; a.d = d; a.dv = dv;
    a.q = qT.data(); a.sqb = tq * d; a.sqt = 1; a.sqd = tq;
    a.k = k.data(); a.skb = tk * d; a.skt = d; a.skd = 1;
    a.v = v.data(); a.svb = tk * dv; a.svt = dv; a.svd = 1;
    if (cs.mask) { a.mask = mask.data(); a.mask_dtype = F32; a.smb = 0; a.smq = tk; a.smk = 1; }
    a.dout = dO.data(); a.sob = tq * dv; a.sot = dv; a.sod = 1;
    a.dq = dq.data(); a.dk = dk.data(); a.dv_out = dvv.data(); a.scale = 0.3f; a.causal = cs.causal;
    std::vector<float> ws(attention_backward_workspace(a) / sizeof(float));
    launch_attention_backward(a, ws.data(), nullptr);
    std::vector<double> rq, rk, rv;
    attention_bwd_ref(Bn, tq, tk, d, dv, q, k, v, cs.mask ? mask.data() : nullptr, dO, 0.3f, cs.causal, rq, rk, rv);
    const double e = fmax(max_err(rq, dq), fmax(max_err(rk, dk), max_err(rv, dvv)));
    char name[96];
    snprintf(name, sizeof name, "attention bwd B%lld %lldx%lld d%lld/%lld%s%s", Bn, tq, tk, d, dv, cs.causal ? " causal" : "",
             cs.mask ? " mask" : "");
    check(name, e, 1e-5);
  }
}

static void misc_tests() {
  // Philox4x32-10: known-answer value for counter 0, key 0 (Random123 test vector)
  std::vector<int> bits(4);
  launch_random(RD_BITS, 0, 0, 0, 0, 0, bits.data(), 4, nullptr);
  check("philox4x32-10 known answer", ((unsigned)bits[0] == 0x6627e8d5u && (unsigned)bits[1] == 0xe169c58du &&
                                       (unsigned)bits[2] == 0xbc57ac4cu && (unsigned)bits[3] == 0x9b00dbd8u) ? 0 : 1, 0);
  // scatterAdd with repeated indices
  std::vector<float> base(5 * 2, 1.f), src = {1, 2, 3, 4, 5, 6}, y(10);
  std::vector<int> idx = {4, 0, 4, 4, 1, 1};
  launch_scatter_add(F32, base.data(), idx.data(), src.data(), y.data(), 1, 5, 2, 3, nullptr);
  check("scatterAdd repeated indices", fabs(y[8] - 5) + fabs(y[9] - 5) + fabs(y[2] - 6) + fabs(y[3] - 7) + fabs(y[1] - 3) + fabs(y[0] - 1), 0);
  // allocator: reuse of a freed block, OOM with the requested size
  CachingAllocator al;
  void* p = al.alloc(1000);
  al.free(p);
  void* p2 = al.alloc(900);
  check("allocator reuses a cached block", p == p2 ? 0 : 1, 0);
  al.free(p2);
  al.limit = 1 << 20;
  bool oom = false;
  try { al.alloc(5 << 20); } catch (const DeviceError& e) { oom = e.code == "ERR_OUT_OF_MEMORY" && e.bytes == (5u << 20); }
  check("allocator OOM raises ERR_OUT_OF_MEMORY with the size", oom ? 0 : 1, 0);
  al.empty_cache();
}

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--divergent") {  // the simulator must abort, naming both sites
    pid_t pid = fork();
    if (pid == 0) {
      std::vector<float> x(64);
      TS_LAUNCH(divergent_kernel, 1, 64, 0, nullptr, x.data());
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    bool aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
    printf("divergent __syncthreads %s\n", aborted ? "detected (abort): PASS" : "NOT detected: FAIL");
    printf("%d passed, %d failed\n", aborted ? 1 : 0, aborted ? 0 : 1);
    return aborted ? 0 : 1;
  }
  auto t0 = std::chrono::steady_clock::now();
  sim_tests();
  elementwise_tests();
  reduce_tests();
  softmax_norm_tests();
  matmul_tests();
  attention_tests();
  attention_bwd_tests();
  misc_tests();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  printf("%d passed, %d failed (%.2f s)\n", passes, failures, secs);
  return failures ? 1 : 0;
}
