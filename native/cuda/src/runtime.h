// The device runtime behind the addon: one device, one stream, a caching allocator, async copies.
// Two implementations: device_cuda.cpp (CUDA runtime, static cudart) and device_sim.cpp (cuda-sim:
// "device memory" is host memory, every call synchronous). Errors are tessera::DeviceError.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>

typedef struct CUstream_st* cudaStream_t;

namespace tessera {

// code: ERR_NO_CUDA_DEVICE, ERR_OUT_OF_MEMORY or ERR_CUDA; name: the CUDA error name where one exists.
struct DeviceError : std::runtime_error {
  std::string code, name;
  size_t bytes = 0;
  DeviceError(std::string c, std::string n, const std::string& msg, size_t b = 0)
      : std::runtime_error(msg), code(std::move(c)), name(std::move(n)), bytes(b) {}
};

namespace device {
void init();                                  // throws ERR_NO_CUDA_DEVICE when no device works
bool simulated();
std::string describe();                       // one line: device name, memory, capability
cudaStream_t stream();
void* raw_alloc(size_t bytes);                // nullptr when out of memory; throws other errors
void raw_free(void* p);
void write(void* dst, const void* src, size_t bytes);   // async host -> device (staged)
void read(void* dst, const void* src, size_t bytes);    // synchronous device -> host
void copy(void* dst, const void* src, size_t bytes);    // device -> device, async
// Asynchronous read: enqueue now, wait later (from any thread), then fetch the bytes.
struct PendingRead;
PendingRead* read_begin(const void* src, size_t bytes);
void read_wait(PendingRead* r);               // may run on a worker thread
void read_finish(PendingRead* r, void* dst);  // copies out and releases r
void synchronize();
void check(const char* what);                 // after a kernel launch: surface launch errors
}  // namespace device

// Size-bucketed caching allocator (in the spirit of PyTorch's): sizes round up to 512 B up to
// 1 MiB and to 1 MiB above; freed blocks are kept per size and reused by the next request that fits
// (a block at most twice the rounded size). On out-of-memory the cache is released and the
// allocation retried once, then OutOfMemory (with the requested size) is raised.
// Frees are stream-ordered: there is one stream, so a block freed after enqueued work is safe to
// hand to work enqueued later.
class CachingAllocator {
 public:
  void* alloc(size_t bytes);
  void free(void* p);
  void empty_cache();
  size_t allocated() const { return allocated_; }
  size_t reserved() const { return reserved_; }
  size_t peak() const { return peak_; }
  size_t live_blocks() const { return live_.size(); }
  size_t limit = 0;  // optional cap on reserved bytes (tests of the OOM path); 0 = none
  static size_t round(size_t bytes);

 private:
  std::multimap<size_t, void*> cache_;
  std::unordered_map<void*, size_t> live_;
  size_t allocated_ = 0, reserved_ = 0, peak_ = 0;
};
CachingAllocator& allocator();

}  // namespace tessera
