// cuBLAS loaded with dlopen at first use (never linked): GEMM when it can be found, else nullptr
// and Tessera's own kernels run. Real-device build only.
#pragma once
#include <string>
#include "tessera_cuda.h"

namespace tessera::cublas {
// True when cuBLAS handled the GEMM; false when unavailable or the layout does not fit cuBLAS.
bool gemm(const GemmArgs& g, cudaStream_t stream);
std::string status();       // "not loaded yet" / "loaded from PATH" / "unavailable: why" / "disabled"
void set_enabled(bool on);
}  // namespace tessera::cublas
