import { prepareEnv } from '../test/setup-gpu.js';
prepareEnv();
const tc = await import('@tessera/core');
const { createWebGpuBackend } = await import('../src/index.js');
const mode = process.argv[2];
if (mode === 'dispose') { const b0 = await createWebGpuBackend(); b0.dispose(); console.log('d'); }
await tc.setBackend('webgpu');
const a = tc.tensor([1, 2, 3, 4]);
const y = tc.exp(a);
console.log(await y.data());
const b = await createWebGpuBackend();
console.log('second ok');
process.exit(0);
