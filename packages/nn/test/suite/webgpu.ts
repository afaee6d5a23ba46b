/**
 * WebGPU for the model suites: Dawn on SwiftShader without a GPU. Without an adapter the suites
 * skip with the reason, unless TESSERA_REQUIRE_WEBGPU=1 (CI), where that is a failure.
 */
import { prepareWebGpuEnv, SWIFTSHADER_ICD } from '../../../../test-utils/webgpu-env.js';

/** null when the 'webgpu' backend started, else why not. */
export async function startWebGpu(): Promise<string | null> {
  prepareWebGpuEnv();
  let reason: string | null = null;
  try {
    await import('@tessera/backend-webgpu');
    const { initBackend } = await import('@tessera/core');
    await initBackend('webgpu');
  } catch (e) {
    reason = `no WebGPU adapter (${(e as Error).message}); install chromium + libvulkan1 and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`;
  }
  if (reason && process.env.TESSERA_REQUIRE_WEBGPU === '1') throw new Error(`TESSERA_REQUIRE_WEBGPU=1 but ${reason}`);
  if (reason) console.warn(`[nn webgpu] skipping: ${reason}`);
  return reason;
}
