import type { Backend, BackendInfo, KernelConfig } from '@tessera/core';
import { acquireDevice, releaseGpu } from './gpu.js';
import { Runtime } from './runtime.js';
import { WebGpuStorage } from './storage.js';
import { kernelsFor } from './register-all.js';

export interface WebGpuBackend extends Backend {
  readonly name: 'webgpu';
  readonly storage: WebGpuStorage;
  readonly kernels: readonly KernelConfig[];
  readonly info: BackendInfo & { simulated: boolean; subgroups: boolean; f16: boolean };
  /** Buffer pool, command batching, uniforms and pipeline cache shared by the kernels. */
  readonly runtime: Runtime;
  readonly device: GPUDevice;
  readonly gpu: GPU | null;
  /** Submit queued work and wait for the GPU to finish it. */
  sync(): Promise<void>;
  dispose(): void;
}

/** Requests an adapter and device (async); throws BackendUnavailableError when there is none. */
export async function createWebGpuBackend(): Promise<WebGpuBackend> {
  const { gpu, device, simulated, description, subgroups, f16 } = await acquireDevice();
  // Holding `gpu` keeps Dawn's instance alive (it crashes when collected); dispose() lets it go.
  let keepAlive: GPU | null = gpu;
  const runtime = new Runtime(device);
  return {
    name: 'webgpu',
    storage: new WebGpuStorage(runtime),
    // float16 kernels only where the device has shader-f16; elsewhere core casts f16 to f32.
    kernels: kernelsFor(f16),
    info: { description, simulated, subgroups, f16 },
    runtime,
    device,
    get gpu() { return keepAlive; },
    sync: () => runtime.sync(),
    dispose: () => {
      if (!keepAlive) return;
      runtime.dispose();
      keepAlive = null;
      releaseGpu();
    },
  };
}
