// cuda-sim runtime: "device memory" is host memory behind the same interface; all work runs
// synchronously on the calling thread (kernels through cuda_sim.h).
#include <cstdlib>
#include <cstring>
#include <string>
#include "runtime.h"

namespace tessera::device {

void init() {}
bool simulated() { return true; }
std::string describe() { return "cuda-sim: CUDA kernels simulated on the CPU (each CUDA thread a fiber)"; }
cudaStream_t stream() { return nullptr; }
void* raw_alloc(size_t bytes) { return std::aligned_alloc(256, (bytes + 255) / 256 * 256); }
void raw_free(void* p) { std::free(p); }
void write(void* dst, const void* src, size_t bytes) { if (bytes) std::memcpy(dst, src, bytes); }
void read(void* dst, const void* src, size_t bytes) { if (bytes) std::memcpy(dst, src, bytes); }
void copy(void* dst, const void* src, size_t bytes) { if (bytes) std::memmove(dst, src, bytes); }
struct PendingRead { std::string bytes; };  // copied at once: later work may reuse the block
PendingRead* read_begin(const void* src, size_t bytes) { return new PendingRead{std::string((const char*)src, bytes)}; }
void read_wait(PendingRead*) {}
void read_finish(PendingRead* r, void* dst) { if (!r->bytes.empty()) std::memcpy(dst, r->bytes.data(), r->bytes.size()); delete r; }
void synchronize() {}
void check(const char*) {}

}  // namespace tessera::device
