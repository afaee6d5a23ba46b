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
