/**
 * A cheap look for Vulkan before Dawn is created in Node on Linux: without a loader or an ICD,
 * Dawn prints native warnings (`Couldn't load Vulkan`, `vkCreateInstance failed with
 * VK_ERROR_INCOMPATIBLE_DRIVER`) to stderr, which JavaScript cannot silence. Seeing the problem
 * first lets the factory fail quietly with our own message.
 */

/** The file-system calls the probe needs (node:fs in Node; a fake in tests). */
export interface ProbeFs {
  existsSync(path: string): boolean;
  readdirSync(path: string): string[];
  readFileSync(path: string, encoding: 'latin1' | 'utf8'): string;
}

const LOADER = 'libvulkan.so.1';
const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/lib64', '/lib', '/usr/local/lib'];
const ICD_DIRS = ['/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/share/vulkan/icd.d'];

export const VULKAN_HELP =
  'install SwiftShader for a software GPU (apt-get install chromium libvulkan1) and set ' +
  'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, or install your GPU vendor\'s Vulkan driver';

const tryRead = (fs: ProbeFs, p: string): string | undefined => {
  try { return fs.readFileSync(p, 'utf8'); } catch { return undefined; }
};

function hasLoader(env: Record<string, string | undefined>, fs: ProbeFs): boolean {
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LIB_DIRS];
  if (dirs.some((d) => fs.existsSync(`${d}/${LOADER}`))) return true;
  try { return fs.readFileSync('/etc/ld.so.cache', 'latin1').includes(LOADER); } catch { return false; }
}

/** The ICD manifests the loader would read (VK_ICD_FILENAMES / VK_DRIVER_FILES win over the standard dirs). */
function icdFiles(env: Record<string, string | undefined>, fs: ProbeFs): { files: string[]; fromEnv: string | undefined } {
  const fromEnv = env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES;
  if (fromEnv) return { files: fromEnv.split(':').filter(Boolean), fromEnv };
  const dataDirs = (env.XDG_DATA_DIRS ?? '').split(':').filter(Boolean).map((d) => `${d}/vulkan/icd.d`);
  const files: string[] = [];
  for (const dir of [...ICD_DIRS, ...dataDirs]) {
    let names: string[] = [];
    try { names = fs.readdirSync(dir); } catch { continue; }
    for (const n of names) if (n.endsWith('.json')) files.push(`${dir}/${n}`);
  }
  return { files, fromEnv: undefined };
}

/** The driver library an ICD manifest names, if the manifest reads and the library can be there (a bare name is left to the dynamic linker). */
function icdLibrary(file: string, fs: ProbeFs): string | undefined {
  const text = tryRead(fs, file);
  if (text === undefined) return undefined;
  let lib: unknown;
  try { lib = (JSON.parse(text) as { ICD?: { library_path?: unknown } }).ICD?.library_path; } catch { return undefined; }
  if (typeof lib !== 'string' || !lib) return undefined;
  if (!lib.includes('/')) return lib;
  const path = lib.startsWith('/') ? lib : `${file.slice(0, file.lastIndexOf('/') + 1)}${lib.replace(/^\.\//, '')}`;
  return fs.existsSync(path) ? path : undefined;
}

/** Software Vulkan that needs no GPU device: SwiftShader, and Mesa's lavapipe (libvulkan_lvp). */
const isSoftwareDriver = (lib: string): boolean => /swiftshader|lvp|lavapipe/i.test(lib);

/** GPU device nodes a hardware Vulkan driver opens (DRM render nodes, NVIDIA, WSL). */
function hasGpuDevice(fs: ProbeFs): boolean {
  try { if (fs.readdirSync('/dev/dri').some((n) => n.startsWith('renderD'))) return true; } catch { /* none */ }
  return fs.existsSync('/dev/nvidia0') || fs.existsSync('/dev/dxg');
}

/** Why Vulkan cannot work here (one sentence, ours), or undefined when it may. */
export function vulkanProblem(env: Record<string, string | undefined>, fs: ProbeFs): string | undefined {
  if (!hasLoader(env, fs)) return `the Vulkan loader (${LOADER}) is not installed`;
  const { files, fromEnv } = icdFiles(env, fs);
  if (!files.length) return 'no Vulkan driver (ICD manifest) is installed';
  // Hardware drivers without a device fail noisily (VK_ERROR_INCOMPATIBLE_DRIVER); a software
  // driver is only used when named in VK_ICD_FILENAMES.
  const gpu = hasGpuDevice(fs);
  if (!fromEnv && !gpu) return 'there is no GPU device (/dev/dri/renderD*, /dev/nvidia0) and VK_ICD_FILENAMES names no software driver';
  const libs = files.map((f) => icdLibrary(f, fs)).filter((l): l is string => !!l);
  if (!libs.length) {
    return fromEnv
      ? `VK_ICD_FILENAMES / VK_DRIVER_FILES (${fromEnv}) names no usable Vulkan driver manifest (missing file or driver library)`
      : `no installed Vulkan driver manifest (${files.join(', ')}) names a driver library that exists`;
  }
  if (!gpu && !libs.some(isSoftwareDriver)) {
    return `there is no GPU device (/dev/dri/renderD*, /dev/nvidia0) for the drivers VK_ICD_FILENAMES names (${libs.join(', ')})`;
  }
  return undefined;
}
