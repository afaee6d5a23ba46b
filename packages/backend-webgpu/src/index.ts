/**
 * @tessera/backend-webgpu: WGSL kernels on WebGPU, in browsers (navigator.gpu) and Node (npm
 * `webgpu`, Dawn). Registers itself as 'webgpu' (priority 40) on import; software adapters
 * (SwiftShader) report info.simulated, so `ready()` passes over them unless asked by name.
 */
import { registerBackend } from '@tessera/core';
import { createWebGpuBackend } from './webgpu-backend.js';

export { createWebGpuBackend, type WebGpuBackend } from './webgpu-backend.js';
export { webgpuKernels, kernelsFor, F16_OPS } from './register-all.js';
export { WebGpuStorage } from './storage.js';
export { GpuData, Runtime } from './runtime.js';

registerBackend('webgpu', createWebGpuBackend, 40);
