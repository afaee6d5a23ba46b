import { ArgumentError, type Backend, type BackendInfo, type KernelConfig } from '@tessera/core';
import { CpuStorage } from './storage.js';
import { cpuKernels } from './register-all.js';
import { defaultThreads } from './util/env.js';
import { MatmulEngine } from './util/matmul.js';

export interface CpuBackendOptions {
  /** Threads for large matmuls (the calling thread plus threads-1 workers). Default: logical cores. */
  threads?: number;
}

export interface CpuBackend extends Backend {
  readonly name: 'cpu';
  readonly storage: CpuStorage;
  readonly kernels: readonly KernelConfig[];
  readonly info: BackendInfo & { threads: number };
  /** The matmul engine the matmul kernel runs on (owns the worker pool). */
  readonly matmul: MatmulEngine;
  /** Terminates the worker threads; matmul then runs on the calling thread only. */
  dispose(): void;
}

export function createCpuBackend(options: CpuBackendOptions = {}): CpuBackend {
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new ArgumentError(`createCpuBackend: threads must be a positive integer, got ${threads}`);
  }
  const matmul = new MatmulEngine(threads);
  return {
    name: 'cpu',
    storage: new CpuStorage(),
    kernels: cpuKernels,
    info: { description: 'pure TypeScript', threads },
    matmul,
    dispose: () => matmul.dispose(),
  };
}
