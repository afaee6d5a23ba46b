// cuBLAS through dlopen: libcublas is looked for by soname (LD_LIBRARY_PATH, ld.so cache), then in
// TESSERA_CUBLAS_PATH, CUDA_HOME / CUDA_PATH, /usr/local/cuda*/lib64, and the pip wheels of
// NVIDIA (`nvidia/cublas/lib` in Python site-packages, as installed with PyTorch).
// Row-major C = A B is computed as column-major C^T = B^T A^T.
#include "cublas.h"
#include <dlfcn.h>
#include <glob.h>
#include <cstdlib>
#include <string>
#include <vector>
#include "runtime.h"

namespace tessera::cublas {
namespace {

typedef void* Handle;
// Prototypes as in cublas_api.h (enums are ints; no cuBLAS headers needed to build).
typedef int (*CreateFn)(Handle*);
typedef int (*SetStreamFn)(Handle, cudaStream_t);
typedef int (*SetMathModeFn)(Handle, int);
typedef int (*SgemmStridedBatchedFn)(Handle, int, int, int, int, int, const float*, const float*, int, long long, const float*, int,
                                     long long, const float*, float*, int, long long, int);
typedef int (*GemmStridedBatchedExFn)(Handle, int, int, int, int, int, const void*, const void*, int, int, long long, const void*, int,
                                      int, long long, const void*, void*, int, int, long long, int, int, int);
constexpr int OP_N = 0, OP_T = 1, R_32F = 0, R_16F = 2, R_16BF = 14, COMPUTE_32F = 68, GEMM_DEFAULT = -1;

struct Lib {
  bool tried = false, enabled = true;
  void* so = nullptr;
  Handle h = nullptr;
  std::string where, why;
  SgemmStridedBatchedFn sgemm = nullptr;
  GemmStridedBatchedExFn gemm_ex = nullptr;
};
Lib& L() { static Lib l; return l; }

std::vector<std::string> candidates() {
  std::vector<std::string> out;
  const char* names[] = {"libcublas.so", "libcublas.so.13", "libcublas.so.12", "libcublas.so.11"};
  std::vector<std::string> dirs;
  if (const char* p = getenv("TESSERA_CUBLAS_PATH")) out.push_back(p);
  for (const char* n : names) out.push_back(n);
  for (const char* env : {"CUDA_HOME", "CUDA_PATH", "CONDA_PREFIX", "VIRTUAL_ENV"})
    if (const char* p = getenv(env)) { dirs.push_back(std::string(p) + "/lib64"); dirs.push_back(std::string(p) + "/lib"); }
  const char* patterns[] = {
      "/usr/local/cuda/lib64", "/usr/local/cuda-*/lib64", "/usr/lib/x86_64-linux-gnu",
      "/usr/local/lib/python3*/*-packages/nvidia/cublas/lib", "/usr/lib/python3*/*-packages/nvidia/cublas/lib",
      "/opt/conda/lib/python3*/site-packages/nvidia/cublas/lib", "/root/.local/lib/python3*/site-packages/nvidia/cublas/lib",
      "/root/.pyenv/versions/*/lib/python3*/site-packages/nvidia/cublas/lib"};
  for (const char* pat : patterns) {
    glob_t g;
    if (glob(pat, 0, nullptr, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; i++) dirs.push_back(g.gl_pathv[i]);
    globfree(&g);
  }
  for (const char* env : {"CONDA_PREFIX", "VIRTUAL_ENV", "HOME"}) {
    if (const char* p = getenv(env)) {
      std::string pat = std::string(p) + (std::string(env) == "HOME" ? "/.local" : "") + "/lib/python3*/site-packages/nvidia/cublas/lib";
      glob_t g;
      if (glob(pat.c_str(), 0, nullptr, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc; i++) dirs.push_back(g.gl_pathv[i]);
      globfree(&g);
    }
  }
  for (auto& d : dirs)
    for (const char* n : names) out.push_back(d + "/" + n);
  return out;
}

bool load() {
  Lib& l = L();
  if (l.tried) return l.h != nullptr;
  l.tried = true;
  for (auto& c : candidates()) {
    l.so = dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (l.so) { l.where = c; break; }
  }
  if (!l.so) { l.why = "libcublas not found (set TESSERA_CUBLAS_PATH)"; return false; }
  auto create = (CreateFn)dlsym(l.so, "cublasCreate_v2");
  auto set_stream = (SetStreamFn)dlsym(l.so, "cublasSetStream_v2");
  auto set_math = (SetMathModeFn)dlsym(l.so, "cublasSetMathMode");
  l.sgemm = (SgemmStridedBatchedFn)dlsym(l.so, "cublasSgemmStridedBatched");
  l.gemm_ex = (GemmStridedBatchedExFn)dlsym(l.so, "cublasGemmStridedBatchedEx");
  if (!create || !set_stream || !l.sgemm || !l.gemm_ex) { l.why = "symbols missing in " + l.where; return false; }
  int st = create(&l.h);
  if (st != 0) { l.h = nullptr; l.why = "cublasCreate failed with status " + std::to_string(st); return false; }
  if (set_stream(l.h, device::stream()) != 0) { l.h = nullptr; l.why = "cublasSetStream failed"; return false; }
  if (set_math) set_math(l.h, 0);  // CUBLAS_DEFAULT_MATH: fp32 stays fp32 (no TF32)
  return true;
}

// A row-major [rows, cols] operand with strides (sr, sc) as a column-major cuBLAS operand of the
// transposed matrix [cols, rows]: op N when sc == 1 (ld = sr), op T when sr == 1 (ld = sc).
bool as_col_major(long long rows, long long cols, long long sr, long long sc, int& op, long long& ld) {
  if (sc == 1 || cols == 1) { op = OP_N; ld = rows == 1 ? (cols > 1 ? cols : 1) : sr; if (ld >= (cols > 1 ? cols : 1)) return true; }
  if (sr == 1 || rows == 1) { op = OP_T; ld = cols == 1 ? (rows > 1 ? rows : 1) : sc; if (ld >= (rows > 1 ? rows : 1)) return true; }
  return false;
}

}  // namespace

void set_enabled(bool on) { L().enabled = on; }

std::string status() {
  Lib& l = L();
  if (!l.enabled) return "disabled (Tessera's own GEMM kernels)";
  if (!l.tried) return "not loaded yet (loaded at the first matmul)";
  return l.h ? "loaded from " + l.where : "unavailable: " + l.why;
}

bool gemm(const GemmArgs& g, cudaStream_t stream) {
  Lib& l = L();
  if (!l.enabled || !load()) return false;
  const long long lim = 2147483647LL;
  if (g.M > lim || g.N > lim || g.K > lim || g.batch > lim || g.K == 0) return false;
  int opB, opA; long long ldB, ldA;
  // "A" of cuBLAS = our B ([K, N] row-major -> [N, K] col-major), "B" of cuBLAS = our A.
  if (!as_col_major(g.K, g.N, g.sbk, g.sbn, opB, ldB) || !as_col_major(g.M, g.K, g.sam, g.sak, opA, ldA)) return false;
  if (ldA > lim || ldB > lim) return false;
  (void)stream;  // the handle is bound to the runtime's stream
  const float one = 1.f, zero = 0.f;
  int st;
  if (g.dtype == F32) {
    st = l.sgemm(l.h, opB, opA, (int)g.N, (int)g.M, (int)g.K, &one, (const float*)g.b, (int)ldB, g.sbb, (const float*)g.a, (int)ldA, g.sab,
                 &zero, (float*)g.c, (int)g.N, g.M * g.N, (int)g.batch);
  } else {
    const int t = g.dtype == F16 ? R_16F : R_16BF;
    st = l.gemm_ex(l.h, opB, opA, (int)g.N, (int)g.M, (int)g.K, &one, g.b, t, (int)ldB, g.sbb, g.a, t, (int)ldA, g.sab, &zero, g.c, t,
                   (int)g.N, g.M * g.N, (int)g.batch, COMPUTE_32F, GEMM_DEFAULT);
  }
  if (st != 0) throw DeviceError("ERR_CUDA", "CUBLAS_STATUS_" + std::to_string(st), "cuBLAS GEMM failed with status " + std::to_string(st));
  return true;
}

}  // namespace tessera::cublas
