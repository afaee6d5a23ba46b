/**
 * Test-side WebGPU discovery: point Dawn at SwiftShader when chromium ships it, and say why when
 * no adapter exists (tests then skip with that reason; TESSERA_REQUIRE_WEBGPU=1 makes it a failure).
 */
import { existsSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export function prepareEnv(): void {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (!process.env.XDG_RUNTIME_DIR) {
    const dir = join(tmpdir(), `tessera-xdg-${process.getuid?.() ?? 0}`);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o700);
    process.env.XDG_RUNTIME_DIR = dir;
  }
}

let probed: unknown;

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
