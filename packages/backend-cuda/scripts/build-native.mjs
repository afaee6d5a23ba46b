#!/usr/bin/env node
// Builds native/cuda with cmake-js into build/ (offline: `binary.napi_versions` in
// native/cuda/package.json makes cmake-js use the node-api-headers package, no download).
// Produces build/Release/tessera_cuda_sim.node always, and build/Release/tessera_cuda.node when
// nvcc is present (compiled for sm_80 + sm_90 with --Werror all-warnings).
//   --sim      simulator only (skip nvcc even when present)
//   --ctest    also run the simulator kernel tests (ctest)
//   --no-build skip the cmake-js build (run only the tests asked for)
//   --asan     configure + build + run the kernel tests once more under AddressSanitizer (build/asan)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateHeader } from '../../../scripts/gen-native-codes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '..');
const src = resolve(pkg, '../../native/cuda');
const out = join(pkg, 'build');
const args = new Set(process.argv.slice(2));
const require = createRequire(import.meta.url);
const cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
const jobs = String(Math.max(1, Math.min(cpus().length, 8)));

const run = (cmd, argv, opts = {}) => {
  console.log(`$ ${[cmd, ...argv].join(' ')}`);
  execFileSync(cmd, argv, { stdio: 'inherit', ...opts });
};
const t0 = Date.now();
const defs = ['--CDCMAKE_BUILD_TYPE=Release'];
if (args.has('--sim') || process.env.TESSERA_CUDA_SIM === '1') defs.push('--CDTESSERA_CUDA_SIM=ON');
if (process.env.CUDAARCHS) defs.push(`--CDCMAKE_CUDA_ARCHITECTURES=${process.env.CUDAARCHS}`);
if (!process.env.CUDACXX && !existsSync('/usr/local/cuda/bin/nvcc')) {
  // cmake finds nvcc on PATH or through CUDACXX; /usr/local/cuda/bin is the usual place
} else if (!process.env.CUDACXX && existsSync('/usr/local/cuda/bin/nvcc')) {
  process.env.CUDACXX = '/usr/local/cuda/bin/nvcc';
}
if (!args.has('--no-build')) {
  await generateHeader(); // native/generated/tessera_codes.h: op / dtype codes from core's backend.ts
  run(process.execPath, [cmakeJs, 'compile', '-d', src, '-O', out, '--parallel', jobs, ...defs], { cwd: pkg });
  console.log(`native build: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (args.has('--ctest')) {
  if (existsSync(join(out, 'CTestTestfile.cmake'))) run('ctest', ['--test-dir', out, '--output-on-failure']);
  else console.log('(no kernel tests in build/: built elsewhere or restored from cache; the ASan run below builds its own)');
}
if (args.has('--asan')) {
  const asan = join(out, 'asan');
  mkdirSync(asan, { recursive: true });
  const t1 = Date.now();
  run('cmake', ['-S', src, '-B', asan, '-DTESSERA_CUDA_ASAN=ON', '-DCMAKE_BUILD_TYPE=RelWithDebInfo']);
  run('cmake', ['--build', asan, '--parallel', jobs]);
  run('ctest', ['--test-dir', asan, '--output-on-failure'], { env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
  console.log(`ASan kernel tests: ${((Date.now() - t1) / 1000).toFixed(1)} s`);
}
