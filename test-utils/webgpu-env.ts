/**
 * Test-side environment for WebGPU without a GPU: Dawn on the SwiftShader Vulkan driver that
 * Debian's chromium ships, and the private runtime folder its Vulkan loader wants.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export function prepareWebGpuEnv(): void {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (!process.env.XDG_RUNTIME_DIR) {
    const dir = join(tmpdir(), `tessera-xdg-${process.getuid?.() ?? 0}`);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o700);
    process.env.XDG_RUNTIME_DIR = dir;
  }
}

/**
 * Start core's 'webgpu' backend for a test file: null when it started, else why not. Without an
 * adapter the caller skips with the reason, unless TESSERA_REQUIRE_WEBGPU=1 (CI), where it throws.
 * The current backend is 'cpu' afterwards (tests choose webgpu where they need it).
 */
export async function startWebGpuBackend(label: string): Promise<string | null> {
  prepareWebGpuEnv();
  const core = await import('@tessera/core');
  try {
    await import('@tessera/backend-webgpu');
    await core.setBackend('webgpu');
    return null;
  } catch (e) {
    const reason = `no WebGPU adapter (${(e as Error).message.split('\n')[0]}); install chromium + libvulkan1 and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`;
    if (process.env.TESSERA_REQUIRE_WEBGPU === '1') throw new Error(`TESSERA_REQUIRE_WEBGPU=1 but ${reason}`);
    console.warn(`[${label} webgpu] skipping: ${reason}`);
    return reason;
  } finally {
    await core.setBackend('cpu').catch(() => undefined);
  }
}
