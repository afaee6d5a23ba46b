import { BackendUnavailableError, type Backend, type BackendInfo, type KernelConfig } from '@tessera/core';
import { defaultThreads, threadsUnavailableReason } from './env.js';
import { compileAsync, compileSync, pickVariant, type Variant } from './module.js';
import { wasmKernels } from './register-all.js';
import { Runtime } from './runtime.js';
import { WasmStorage } from './storage.js';

export interface WasmBackendOptions {
  /** Threads (the calling thread plus threads-1 workers on one shared memory). Default: logical cores. */
  threads?: number;
}

export interface WasmBackend extends Backend {
  readonly name: 'wasm';
  readonly storage: WasmStorage;
  readonly kernels: readonly KernelConfig[];
  readonly info: BackendInfo & { threads: number; variant: Variant; threadsUnavailable?: string };
  /** The module instance, memory, heap and worker pool kernels run on. */
  readonly rt: Runtime;
  /** Resolves once the worker threads are up (until then every kernel runs on the calling thread). */
  whenThreadsReady(): Promise<boolean>;
  /** Terminates the workers; the backend must not be used afterwards. */
  dispose(): void;
}

function plan(options: WasmBackendOptions): { threads: number; variant: Variant; why: string | null } {
  const asked = Math.max(1, Math.floor(options.threads ?? defaultThreads()));
  const why = threadsUnavailableReason();
  return { threads: why ? 1 : asked, variant: pickVariant(!why), why };
}

function make(module: WebAssembly.Module, p: ReturnType<typeof plan>): WasmBackend {
  const rt = Runtime.create(module, p.variant, p.threads);
  const simd = p.variant === 'tessera-relaxed.wasm' ? 'SIMD128 + relaxed SIMD' : 'SIMD128';
  return {
    name: 'wasm',
    storage: new WasmStorage(rt),
    kernels: wasmKernels,
    info: {
      description: `WebAssembly ${simd}, ${p.threads} thread${p.threads > 1 ? 's' : ''}${p.why ? ` (single-threaded: ${p.why})` : ''}`,
      threads: p.threads,
      variant: p.variant,
      ...(p.why ? { threadsUnavailable: p.why } : {}),
    },
    rt,
    whenThreadsReady: () => rt.pool?.whenReady() ?? Promise.resolve(false),
    dispose: () => rt.dispose(),
  };
}

/** Synchronous in Node (reads the .wasm with fs); use createWasmBackendAsync in browsers. */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const p = plan(options);
  return make(compileSync(p.variant), p);
}

export async function createWasmBackendAsync(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const p = plan(options);
  const b = make(await compileAsync(p.variant), p);
  await b.whenThreadsReady();
  return b;
}

/** The registry's factory: sync where the module can be read synchronously (Node), else async. */
export function wasmBackendFactory(): WasmBackend | Promise<WasmBackend> {
  try {
    return createWasmBackend();
  } catch (e) {
    if (e instanceof BackendUnavailableError && /synchronous loading needs Node/.test(e.message)) return createWasmBackendAsync();
    throw e;
  }
}
