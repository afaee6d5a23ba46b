/**
 * The engine, one concern a file under engine/: process-wide state (state.ts), the backend
 * registry (registry.ts), storage and memory accounting (memory.ts), tidy scopes (scope.ts) and
 * kernel dispatch (dispatch.ts). This barrel keeps one import path for the rest of core.
 */
export { engineState, ENGINE_STATE_KEY, ENGINE_STATE_VERSION, sharedGenerator } from './engine/state.js';
export {
  registerBackend, listBackends, initBackend, backendSync, setBackend, ready, getBackend, nameOf, kernelFor,
} from './engine/registry.js';
export {
  Storage, allocStorage, retain, release, memory, onTensorCreated, onTensorDisposed, checkAllocation, watch,
  MAX_HOST_ALLOCATION_BYTES, type AllocationRequest,
} from './engine/memory.js';
export { track, keep, tidy } from './engine/scope.js';
export {
  assertLive, viewOf, emptyTensor, commonBackend, castRaw, contiguousRaw, tryDispatch, dispatch, copyInto, type OutSpec,
} from './engine/dispatch.js';
export { isTensor, TENSOR_BRAND } from './engine/brand.js';
export { op, method, setter, scoped, relabel, fromUserCode, type OpMode } from './engine/op.js';
