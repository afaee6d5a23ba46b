import type { Backend, BackendInfo, KernelConfig } from '@tessera/core';
import { loadAddon, type CudaAddon, type Flavor } from './addon.js';
import { cudaKernels } from './register-all.js';
import { CudaStorage } from './storage.js';

export interface CudaBackend extends Backend {
  readonly name: 'cuda' | 'cuda-sim';
  readonly storage: CudaStorage;
  readonly kernels: readonly KernelConfig[];
  readonly info: BackendInfo & { gemm: string };
  /** The native addon the kernels call into. */
  readonly native: CudaAddon;
  /** Wait for all queued device work. */
  sync(): Promise<void>;
  /** Allocator statistics (bytes held by tensors, bytes reserved from the device, peak). */
  memoryStats(): ReturnType<CudaAddon['memoryStats']>;
  /** Return cached, unused device memory to the device (as torch.cuda.empty_cache). */
  emptyCache(): void;
}

export interface CudaBackendOptions {
  /** Use cuBLAS when it can be loaded (default true; TESSERA_CUDA_CUBLAS=0 turns it off). Real device only. */
  cublas?: boolean;
  /** Cap on device bytes the caching allocator reserves (0 = none); over it allocations raise OutOfMemoryError. */
  memoryLimit?: number;
}

function make(flavor: Flavor, options: CudaBackendOptions): CudaBackend {
  const native = loadAddon(flavor);
  const dev = native.init(); // throws BackendUnavailableError ERR_NO_CUDA_DEVICE without a working device
  const envCublas = typeof process !== 'undefined' ? process.env.TESSERA_CUDA_CUBLAS : undefined;
  native.setCublas(options.cublas ?? envCublas !== '0');
  if (options.memoryLimit !== undefined) native.setMemoryLimit(options.memoryLimit);
  return {
    name: flavor,
    storage: new CudaStorage(native),
    kernels: cudaKernels,
    info: {
      description: dev.description,
      simulated: dev.simulated,
      get gemm() { return native.gemmInfo(); },
    },
    native,
    sync: async () => native.synchronize(),
    memoryStats: () => native.memoryStats(),
    emptyCache: () => native.emptyCache(),
  };
}

/**
 * The real CUDA backend. Throws BackendUnavailableError with code 'ERR_NO_CUDA_DEVICE' when the
 * addon cannot start a device (no GPU, no driver, driver too old) or was built without nvcc.
 */
export function createCudaBackend(options: CudaBackendOptions = {}): CudaBackend {
  return make('cuda', options);
}

/**
 * cuda-sim: the same CUDA kernels compiled for the CPU with the simulation header (every CUDA
 * thread a fiber). For tests and kernel development without a GPU; slow; never chosen by default.
 */
export function createCudaSimBackend(options: CudaBackendOptions = {}): CudaBackend {
  return make('cuda-sim', options);
}
