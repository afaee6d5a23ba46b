import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { vulkanProblem, type ProbeFs } from '../src/vulkan-probe.js';

/** A fake file system: path -> file text (directories are the prefixes of the paths). */
function fakeFs(files: Record<string, string>): ProbeFs {
  return {
    existsSync: (p) => p in files,
    readdirSync: (dir) => {
      const names = Object.keys(files).filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1).split('/')[0]!);
      if (!names.length) throw new Error(`ENOENT ${dir}`);
      return [...new Set(names)];
    },
    readFileSync: (p) => {
      if (!(p in files)) throw new Error(`ENOENT ${p}`);
      return files[p]!;
    },
  };
}

const LOADER = { '/usr/lib/x86_64-linux-gnu/libvulkan.so.1': '' };
const SWIFTSHADER = {
  '/usr/lib/chromium/vk_swiftshader_icd.json': JSON.stringify({ ICD: { library_path: './libvk_swiftshader.so' } }),
  '/usr/lib/chromium/libvk_swiftshader.so': '',
};
const INTEL = {
  '/usr/share/vulkan/icd.d/intel_icd.x86_64.json': JSON.stringify({ ICD: { library_path: '/usr/lib/x86_64-linux-gnu/libvulkan_intel.so' } }),
  '/usr/lib/x86_64-linux-gnu/libvulkan_intel.so': '',
};
const SW_ENV = { VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' };

describe('vulkanProblem (no Dawn involved)', () => {
  it('finds nothing wrong with SwiftShader named in VK_ICD_FILENAMES, or a GPU with its driver', () => {
    expect(vulkanProblem(SW_ENV, fakeFs({ ...LOADER, ...SWIFTSHADER }))).toBeUndefined();
    // Mesa's lavapipe is software too (the float16 conformance pass runs on it)
    const LVP = {
      '/usr/share/vulkan/icd.d/lvp_icd.json': JSON.stringify({ ICD: { library_path: 'libvulkan_lvp.so' } }),
      '/usr/share/vulkan/icd.d/libvulkan_lvp.so': '',
    };
    expect(vulkanProblem({ VK_ICD_FILENAMES: '/usr/share/vulkan/icd.d/lvp_icd.json' }, fakeFs({ ...LOADER, ...LVP }))).toBeUndefined();
    expect(vulkanProblem({}, fakeFs({ ...LOADER, ...INTEL, '/dev/dri/renderD128': '' }))).toBeUndefined();
    expect(vulkanProblem({}, fakeFs({ ...INTEL, '/dev/nvidia0': '', '/etc/ld.so.cache': 'xx libvulkan.so.1 yy' }))).toBeUndefined();
  });

  it('names the missing loader, missing drivers, a bad VK_ICD_FILENAMES and a driver without a device', () => {
    expect(vulkanProblem(SW_ENV, fakeFs(SWIFTSHADER))).toMatch(/Vulkan loader \(libvulkan\.so\.1\) is not installed/);
    expect(vulkanProblem({}, fakeFs({ ...LOADER, '/dev/dri/renderD128': '' }))).toMatch(/no Vulkan driver/);
    expect(vulkanProblem({ VK_ICD_FILENAMES: '/nonexistent' }, fakeFs(LOADER))).toMatch(/\(\/nonexistent\) names no usable Vulkan driver manifest/);
    const noLib = { '/usr/lib/chromium/vk_swiftshader_icd.json': SWIFTSHADER['/usr/lib/chromium/vk_swiftshader_icd.json'] };
    expect(vulkanProblem(SW_ENV, fakeFs({ ...LOADER, ...noLib }))).toMatch(/names no usable/);
    expect(vulkanProblem(SW_ENV, fakeFs({ ...LOADER, ...noLib, '/usr/lib/chromium/vk_swiftshader_icd.json': '{not json' }))).toMatch(/names no usable/);
    // hardware drivers but no GPU: Dawn would print VK_ERROR_INCOMPATIBLE_DRIVER
    expect(vulkanProblem({}, fakeFs({ ...LOADER, ...INTEL }))).toMatch(/no GPU device/);
    expect(vulkanProblem({ VK_ICD_FILENAMES: '/usr/share/vulkan/icd.d/intel_icd.x86_64.json' }, fakeFs({ ...LOADER, ...INTEL }))).toMatch(/no GPU device .*libvulkan_intel/);
  });
});

describe('probing webgpu where Vulkan cannot work', () => {
  const script = (entry: string) => `import(${JSON.stringify(entry)}).then((m) => m.createWebGpuBackend()).then(
    () => console.log('STARTED'), (e) => console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })))`;

  it.runIf(process.platform === 'linux')('fails with our BackendUnavailableError and prints nothing native', () => {
    // this package's source, bundled for a plain Node child (its stderr is what Dawn would print to)
    const cache = fileURLToPath(new URL('../../../node_modules/.cache/', import.meta.url)); // where 'webgpu' resolves
    mkdirSync(cache, { recursive: true });
    const entry = join(mkdtempSync(join(cache, 'tessera-probe-')), 'webgpu.mjs');
    buildSync({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm',
      external: ['webgpu'], outfile: entry, logLevel: 'error',
    });
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script(entry)], {
      env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent', VK_DRIVER_FILES: '' }, encoding: 'utf8', timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    const err = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(err).toMatchObject({ name: 'BackendUnavailableError', code: 'ERR_BACKEND_UNAVAILABLE' });
    expect(err.message).toMatch(/^webgpu: no GPU adapter: VK_ICD_FILENAMES .*\/nonexistent.*apt-get install chromium libvulkan1.*VK_ICD_FILENAMES=\/usr\/lib\/chromium\/vk_swiftshader_icd\.json/);
  }, 60_000);
});
