#include "runtime.h"

namespace tessera {

size_t CachingAllocator::round(size_t bytes) {
  const size_t small = 512, large = 1u << 20;
  if (bytes == 0) bytes = 1;
  if (bytes <= large) return (bytes + small - 1) / small * small;
  return (bytes + large - 1) / large * large;
}

void* CachingAllocator::alloc(size_t bytes) {
  const size_t r = round(bytes);
  auto it = cache_.lower_bound(r);
  if (it != cache_.end() && it->first <= 2 * r) {
    void* p = it->second;
    size_t sz = it->first;
    cache_.erase(it);
    live_[p] = sz;
    allocated_ += sz;
    if (allocated_ > peak_) peak_ = allocated_;
    return p;
  }
  void* p = nullptr;
  for (int attempt = 0; attempt < 2 && !p; attempt++) {
    if (attempt == 1) empty_cache();
    if (limit && reserved_ + r > limit) continue;
    p = device::raw_alloc(r);
  }
  if (!p) {
    throw DeviceError("ERR_OUT_OF_MEMORY", "cudaErrorMemoryAllocation",
                      "out of device memory allocating " + std::to_string(bytes) + " bytes (" + std::to_string(allocated_) +
                          " bytes in use by tensors); free tensors (dispose / tidy) or use smaller batches",
                      bytes);
  }
  reserved_ += r;
  live_[p] = r;
  allocated_ += r;
  if (allocated_ > peak_) peak_ = allocated_;
  return p;
}

void CachingAllocator::free(void* p) {
  auto it = live_.find(p);
  if (it == live_.end()) return;
  allocated_ -= it->second;
  cache_.emplace(it->second, p);
  live_.erase(it);
}

void CachingAllocator::empty_cache() {
  if (cache_.empty()) return;
  device::synchronize();  // cached blocks may still be read by queued work
  for (auto& [sz, p] : cache_) { device::raw_free(p); reserved_ -= sz; }
  cache_.clear();
}

CachingAllocator& allocator() { static CachingAllocator a; return a; }

}  // namespace tessera
