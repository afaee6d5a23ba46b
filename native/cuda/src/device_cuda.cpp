// Real CUDA runtime (cudart linked statically, so loading the addon needs no driver): device init,
// one non-blocking stream, pinned staging buffers for async host <-> device copies, typed errors.
#include <cuda_runtime.h>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>
#include "runtime.h"

namespace tessera::device {
namespace {

cudaStream_t g_stream = nullptr;
bool g_ready = false;
int g_device = 0;

[[noreturn]] void raise(cudaError_t e, const char* what) {
  const char* name = cudaGetErrorName(e);
  std::string msg = std::string(what) + ": " + name + " (" + cudaGetErrorString(e) + ")";
  if (e == cudaErrorInsufficientDriver || e == cudaErrorNoDevice || e == cudaErrorInitializationError ||
      e == cudaErrorDevicesUnavailable || e == cudaErrorCompatNotSupportedOnDevice || e == cudaErrorSystemDriverMismatch ||
      e == cudaErrorNoKernelImageForDevice || e == cudaErrorUnsupportedPtxVersion) {
    throw DeviceError("ERR_NO_CUDA_DEVICE", name,
                      "no usable CUDA device: " + msg + ". Install an NVIDIA driver and GPU, or use another backend ('cuda-sim' simulates the kernels on the CPU)");
  }
  if (e == cudaErrorMemoryAllocation) throw DeviceError("ERR_OUT_OF_MEMORY", name, msg);
  throw DeviceError("ERR_CUDA", name, msg);
}
inline void ok(cudaError_t e, const char* what) { if (e != cudaSuccess) raise(e, what); }

// Pinned staging buffers, reusable once the copy that used them has completed (event).
struct Staging { void* host = nullptr; size_t bytes = 0; cudaEvent_t done = nullptr; };
std::vector<Staging> g_staging;
std::mutex g_staging_mu;

Staging* staging_for(size_t bytes) {
  std::lock_guard<std::mutex> lock(g_staging_mu);
  Staging* best = nullptr;
  for (auto& s : g_staging) {
    if (s.bytes < bytes || cudaEventQuery(s.done) != cudaSuccess) continue;
    if (!best || s.bytes < best->bytes) best = &s;
  }
  if (best) return best;
  Staging s;
  s.bytes = bytes < 4096 ? 4096 : bytes;
  ok(cudaMallocHost(&s.host, s.bytes), "cudaMallocHost");
  ok(cudaEventCreateWithFlags(&s.done, cudaEventDisableTiming), "cudaEventCreate");
  g_staging.push_back(s);
  return &g_staging.back();
}

}  // namespace

void init() {
  if (g_ready) return;
  int n = 0;
  ok(cudaGetDeviceCount(&n), "cudaGetDeviceCount");
  if (n == 0) raise(cudaErrorNoDevice, "cudaGetDeviceCount");
  ok(cudaSetDevice(g_device), "cudaSetDevice");
  ok(cudaStreamCreateWithFlags(&g_stream, cudaStreamNonBlocking), "cudaStreamCreate");
  g_ready = true;
}
bool simulated() { return false; }
std::string describe() {
  init();
  cudaDeviceProp p;
  ok(cudaGetDeviceProperties(&p, g_device), "cudaGetDeviceProperties");
  return std::string(p.name) + " (sm_" + std::to_string(p.major) + std::to_string(p.minor) + ", " +
         std::to_string(p.totalGlobalMem >> 20) + " MiB)";
}
cudaStream_t stream() { init(); return g_stream; }

void* raw_alloc(size_t bytes) {
  init();
  void* p = nullptr;
  cudaError_t e = cudaMalloc(&p, bytes);
  if (e == cudaErrorMemoryAllocation) { cudaGetLastError(); return nullptr; }
  ok(e, "cudaMalloc");
  return p;
}
void raw_free(void* p) { if (p) ok(cudaFree(p), "cudaFree"); }

void write(void* dst, const void* src, size_t bytes) {
  if (!bytes) return;
  Staging* s = staging_for(bytes);
  std::memcpy(s->host, src, bytes);
  ok(cudaMemcpyAsync(dst, s->host, bytes, cudaMemcpyHostToDevice, stream()), "cudaMemcpyAsync(HtoD)");
  ok(cudaEventRecord(s->done, g_stream), "cudaEventRecord");
}
void read(void* dst, const void* src, size_t bytes) {
  if (!bytes) return;
  ok(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream()), "cudaMemcpyAsync(DtoH)");
  ok(cudaStreamSynchronize(g_stream), "cudaStreamSynchronize");
}
void copy(void* dst, const void* src, size_t bytes) {
  if (bytes) ok(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, stream()), "cudaMemcpyAsync(DtoD)");
}

struct PendingRead { void* host = nullptr; size_t bytes = 0; cudaEvent_t done = nullptr; };
PendingRead* read_begin(const void* src, size_t bytes) {
  auto* r = new PendingRead;
  r->bytes = bytes;
  try {
    ok(cudaMallocHost(&r->host, bytes ? bytes : 1), "cudaMallocHost");
    ok(cudaEventCreateWithFlags(&r->done, cudaEventDisableTiming), "cudaEventCreate");
    if (bytes) ok(cudaMemcpyAsync(r->host, src, bytes, cudaMemcpyDeviceToHost, stream()), "cudaMemcpyAsync(DtoH)");
    ok(cudaEventRecord(r->done, g_stream), "cudaEventRecord");
  } catch (...) {
    if (r->host) cudaFreeHost(r->host);
    delete r;
    throw;
  }
  return r;
}
void read_wait(PendingRead* r) { ok(cudaEventSynchronize(r->done), "cudaEventSynchronize"); }
void read_finish(PendingRead* r, void* dst) {
  if (r->bytes) std::memcpy(dst, r->host, r->bytes);
  cudaEventDestroy(r->done);
  cudaFreeHost(r->host);
  delete r;
}
void synchronize() { if (g_ready) ok(cudaStreamSynchronize(g_stream), "cudaStreamSynchronize"); }
void check(const char* what) { ok(cudaGetLastError(), what); }

}  // namespace tessera::device
