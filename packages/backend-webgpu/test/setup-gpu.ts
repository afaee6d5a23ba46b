/**
 * Test-side WebGPU discovery: point Dawn at SwiftShader when chromium ships it, and say why when
 * no adapter exists (tests then skip with that reason; TESSERA_REQUIRE_WEBGPU=1 makes it a failure).
 */
import { prepareWebGpuEnv, SWIFTSHADER_ICD } from '../../../test-utils/webgpu-env.js';

export { SWIFTSHADER_ICD };
export const prepareEnv = prepareWebGpuEnv;

// Kept alive for the whole run: tearing Dawn's instance down and creating another can crash it.
export let probed: unknown;

/** null when a WebGPU adapter is available, else the reason tests skip. */
export async function webgpuUnavailable(): Promise<string | null> {
  prepareEnv();
  let reason: string | null = null;
  try {
    const { createWebGpuBackend } = await import('../src/index.js');
    // Kept, not disposed: tearing Dawn's instance down and creating another can crash it.
    probed = await createWebGpuBackend();
  } catch (e) {
    reason = `no WebGPU adapter (${(e as Error).message}); install chromium + libvulkan1 and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`;
  }
  if (reason && process.env.TESSERA_REQUIRE_WEBGPU === '1') throw new Error(`TESSERA_REQUIRE_WEBGPU=1 but ${reason}`);
  if (reason) console.warn(`[backend-webgpu] skipping: ${reason}`);
  return reason;
}
