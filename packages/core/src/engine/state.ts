/**
 * Process-wide engine state, in one object on `globalThis`. When both the ESM and the CJS build of
 * core are loaded (a CJS dependency, a test runner), each copy joins the same object, so a backend
 * registered through one copy is seen by the other, and memory, scopes and the RNG are counted once.
 */
import type { Backend, BackendFactory, KernelConfig } from '../backend.js';
import { TesseraError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** Bumped whenever the shape of `EngineState` changes: copies agree on it or refuse to load. */
export const ENGINE_STATE_VERSION = 2;
export const ENGINE_STATE_KEY: symbol = Symbol.for('@tessera/core/state');

export interface Registered { factory: BackendFactory; priority: number }
export interface Usage { numTensors: number; numBytes: number; numFreedByGC: number }
export interface GeneratorState { seed: number; offset: number }

export interface EngineState {
  readonly version: number;
  /** How many copies of core joined this state (1 normally, 2 when both builds are loaded). */
  copies: number;
  readonly registry: Map<string, Registered>;
  readonly instances: Map<string, Backend>;
  readonly kernelMaps: Map<Backend, Map<string, KernelConfig>>;
  readonly registeredNames: Map<Backend, string>;
  readonly failures: Map<string, unknown>;
  readonly pending: Map<string, Promise<Backend>>;
  current: Backend | null;
  readonly usage: Map<string, Usage>;
  /** The tidy and op scope stack, innermost last. */
  readonly scopes: Set<Tensor>[];
  /** How deep the running public op calls go (0: user code). */
  opDepth: number;
  gradEnabled: boolean;
  /** The global RNG stream (manualSeed); created by the first copy that asks for it. */
  generator: GeneratorState | null;
  nextTensorId: number;
  /** Backends whose skip during auto-selection was already reported. */
  readonly warned: Set<string>;
}

function fresh(): EngineState {
  return {
    version: ENGINE_STATE_VERSION,
    copies: 0,
    registry: new Map(),
    instances: new Map(),
    kernelMaps: new Map(),
    registeredNames: new Map(),
    failures: new Map(),
    pending: new Map(),
    current: null,
    usage: new Map(),
    scopes: [],
    opDepth: 0,
    gradEnabled: true,
    generator: null,
    nextTensorId: 0,
    warned: new Set(),
  };
}

/** Join the state on `host` (globalThis), creating it on first use; refuse an incompatible one. */
export function joinEngineState(host: object = globalThis): EngineState {
  const slot = host as Record<symbol, unknown>;
  const have = slot[ENGINE_STATE_KEY];
  if (have === undefined) {
    const s = fresh();
    Object.defineProperty(host, ENGINE_STATE_KEY, { value: s, configurable: false, enumerable: false, writable: false });
    s.copies = 1;
    return s;
  }
  const version = have && typeof have === 'object' ? (have as { version?: unknown }).version : undefined;
  if (version !== ENGINE_STATE_VERSION) {
    throw new TesseraError(
      'ERR_CORE_VERSION',
      `@tessera/core: another copy of @tessera/core is already loaded in this process with engine state version ` +
        `${String(version)}, and this copy needs version ${ENGINE_STATE_VERSION}; the two cannot share backends and ` +
        'memory accounting. Install a single version of @tessera/core (`npm ls @tessera/core` lists the copies)',
    );
  }
  const s = have as EngineState;
  s.copies++;
  return s;
}

/** This process's engine state. */
export const engineState: EngineState = joinEngineState();

/** The global RNG state, shared by every copy of core (the first caller's `init` wins). */
export function sharedGenerator(init: GeneratorState): GeneratorState {
  engineState.generator ??= { seed: init.seed, offset: init.offset };
  return engineState.generator;
}
