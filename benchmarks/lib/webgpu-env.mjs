// One Dawn instance (npm `webgpu`) as navigator.gpu for every WebGPU impl in the run, so that
// tessera-webgpu and tfjs-webgpu share the same adapter. Without a GPU, SwiftShader's Vulkan driver
// (Debian's chromium) is used when present: slow, so read only the ratios between WebGPU impls.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export async function installNodeWebGpu() {
  if (globalThis.navigator?.gpu) return 'navigator.gpu';
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (!process.env.XDG_RUNTIME_DIR) {
    mkdirSync('/tmp/tessera-xdg', { recursive: true });
    chmodSync('/tmp/tessera-xdg', 0o700);
    process.env.XDG_RUNTIME_DIR = '/tmp/tessera-xdg';
  }
  let mod;
  try {
    mod = await import('webgpu');
  } catch {
    return null; // not installed: WebGPU impls report themselves unavailable
  }
  for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) globalThis[k] = v;
  if (!globalThis.navigator) globalThis.navigator = {};
  Object.defineProperty(globalThis.navigator, 'gpu', { value: mod.create(['backend=vulkan']), configurable: true });
  return 'webgpu (Dawn)';
}
