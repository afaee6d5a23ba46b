/**
 * @tessera/backend-cpu: the pure-TypeScript reference backend. Every op of the contract, portable
 * (Node and browsers), the oracle other backends are tested against.
 */
export { createCpuBackend, type CpuBackend, type CpuBackendOptions } from './cpu-backend.js';
export { cpuKernels } from './register-all.js';
export { CpuData, CpuStorage } from './storage.js';
export type { MatmulEngine } from './util/matmul.js';

// ---- Registration with core (to be filled in by the core engineer) -------------------------------
// Once @tessera/core exports `registerBackend(name, factory, priority)`, register here, e.g.
//   import { registerBackend } from '@tessera/core';
//   registerBackend('cpu', () => createCpuBackend(), 0);
// and make package.json's "sideEffects" list dist/index.{js,cjs} so bundlers keep this import.
// --------------------------------------------------------------------------------------------------
