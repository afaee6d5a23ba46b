/**
 * @tessera/backend-cuda — CUDA kernels from native/cuda in an N-API addon. Importing this module
 * registers two backends:
 *  - 'cuda' (priority 50): a real NVIDIA GPU; its factory throws BackendUnavailableError
 *    'ERR_NO_CUDA_DEVICE' when no device works, so the default falls through to the next backend;
 *  - 'cuda-sim' (priority 0, info.simulated): the same kernels simulated on the CPU, for tests.
 */
import { registerBackend } from '@tessera/core';
import { createCudaBackend, createCudaSimBackend } from './cuda-backend.js';

export { createCudaBackend, createCudaSimBackend, type CudaBackend, type CudaBackendOptions } from './cuda-backend.js';
export { cudaKernels } from './register-all.js';
export { loadAddon, tesseraError, type CudaAddon } from './addon.js';

registerBackend('cuda', () => createCudaBackend(), 50);
registerBackend('cuda-sim', () => createCudaSimBackend(), 0);
