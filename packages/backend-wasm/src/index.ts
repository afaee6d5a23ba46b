/**
 * @tessera/backend-wasm — SIMD128 kernels compiled from native/wasm, multi-threaded on one shared
 * WebAssembly.Memory. Importing this module registers the backend as 'wasm' (priority 30).
 */
import { registerBackend } from '@tessera/core';
import { wasmBackendFactory } from './wasm-backend.js';

export { createWasmBackend, createWasmBackendAsync, type WasmBackend, type WasmBackendOptions } from './wasm-backend.js';
export { wasmKernels } from './register-all.js';
export { Heap } from './heap.js';

registerBackend('wasm', wasmBackendFactory, 30);
