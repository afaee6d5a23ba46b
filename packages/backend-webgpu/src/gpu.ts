/**
 * Finding a GPUDevice: `navigator.gpu` in browsers; in Node the npm `webgpu` package (Dawn),
 * imported dynamically only when there is no `navigator.gpu`, so browser bundles stay Node-free.
 */
import { BackendUnavailableError, nodeBuiltin } from '@tessera/core';
import { VULKAN_HELP, vulkanProblem, type ProbeFs } from './vulkan-probe.js';

export interface AcquiredDevice {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** Software adapter (SwiftShader, fallback): never the default backend. */
  simulated: boolean;
  description: string;
  subgroups: boolean;
  /** The adapter has `shader-f16` (requested): float16 kernels are listed. */
  f16: boolean;
  /** The GPU object (navigator.gpu or Dawn's): Dawn tears the instance down when it is collected. */
  gpu: GPU;
}

/** Dawn options for Node; Vulkan is the backend that SwiftShader's ICD serves. */
const NODE_DAWN_FLAGS = ['backend=vulkan'];

/**
 * Dawn's instance in Node, shared by every backend: it must stay referenced while in use (Dawn
 * crashes when it is collected early) and is let go when the last backend is disposed, so that
 * Node can exit. See https://issues.chromium.org/issues/387965810.
 */
let nodeGpu: GPU | null = null;
let users = 0;

export function releaseGpu(): void {
  if (--users <= 0) {
    users = 0;
    nodeGpu = null;
  }
}

async function findGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (!isNode) throw new BackendUnavailableError('webgpu: this browser has no navigator.gpu (WebGPU is disabled or unsupported)');
  let mod: { create(flags: string[]): GPU; globals: Record<string, unknown> };
  try {
    const name = 'webgpu'; // a variable keeps bundlers from resolving the Node-only package
    mod = await import(/* @vite-ignore */ name);
  } catch (e) {
    throw new BackendUnavailableError(`webgpu: the npm package 'webgpu' (Dawn for Node) is not installed: npm i webgpu (${(e as Error).message})`);
  }
  // Dawn prints native warnings when Vulkan is missing: look first, and fail quietly in our words.
  const proc = process as { platform?: string; env: Record<string, string | undefined> };
  const fs = nodeBuiltin<ProbeFs>('node:fs');
  const problem = !nodeGpu && proc.platform === 'linux' && fs ? vulkanProblem(proc.env, fs) : undefined;
  if (problem) throw new BackendUnavailableError(`webgpu: no GPU adapter: ${problem}; ${VULKAN_HELP}`);
  // Dawn's GPUBufferUsage / GPUMapMode / ... constants are globals in browsers; provide them.
  for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  return (nodeGpu ??= mod.create(NODE_DAWN_FLAGS));
}

function isSoftware(info: GPUAdapterInfo | undefined, isFallback: boolean): boolean {
  if (isFallback) return true;
  const s = `${info?.vendor ?? ''} ${info?.architecture ?? ''} ${info?.device ?? ''} ${info?.description ?? ''}`.toLowerCase();
  return /swiftshader|llvmpipe|lavapipe|software|warp|basic render/.test(s);
}

export async function acquireDevice(): Promise<AcquiredDevice> {
  const gpu = await findGpu();
  users++;
  try {
    return await requestDevice(gpu);
  } catch (e) {
    releaseGpu();
    throw e;
  }
}

async function requestDevice(gpu: GPU): Promise<AcquiredDevice> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new BackendUnavailableError(
      'webgpu: no GPU adapter (the Vulkan driver did not start). Without a GPU, install SwiftShader ' +
        '(apt-get install chromium libvulkan1) and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json',
    );
  }
  const info = (adapter as { info?: GPUAdapterInfo }).info;
  const L = adapter.limits;
  // Ask for what the adapter has: the defaults (128 MiB bindings) are far below real GPUs.
  const requiredLimits: Record<string, number> = {
    maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
    maxBufferSize: L.maxBufferSize,
    maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupSizeY: L.maxComputeWorkgroupSizeY,
    maxStorageBuffersPerShaderStage: L.maxStorageBuffersPerShaderStage,
  };
  const subgroups = adapter.features.has('subgroups' as GPUFeatureName);
  const f16 = adapter.features.has('shader-f16');
  const requiredFeatures: GPUFeatureName[] = [];
  if (subgroups) requiredFeatures.push('subgroups' as GPUFeatureName);
  if (f16) requiredFeatures.push('shader-f16');
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  } catch (e) {
    throw new BackendUnavailableError(`webgpu: requestDevice failed: ${(e as Error).message}`);
  }
  const isFallback = !!(adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter || !!(info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter;
  const simulated = isSoftware(info, isFallback);
  const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
  return { gpu, device, adapter, simulated, subgroups, f16, description: `WebGPU on ${name}${simulated ? ' (software)' : ''}` };
}
