/**
 * @tessera/backend-cpu: the pure-TypeScript reference backend. Every op of the contract, portable
 * (Node and browsers), the oracle other backends are tested against.
 */
export { createCpuBackend, type CpuBackend, type CpuBackendOptions } from './cpu-backend.js';
export { cpuKernels } from './register-all.js';
export { CpuData, CpuStorage } from './storage.js';
export type { MatmulEngine } from './util/matmul.js';

import { registerBackend } from '@tessera/core';
import { createCpuBackend } from './cpu-backend.js';

// Importing the package registers 'cpu': the portable fallback, below wasm / webgpu / cuda.
registerBackend('cpu', () => createCpuBackend(), 10);
