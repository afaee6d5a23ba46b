import { prepareEnv } from '../test/setup-gpu.js';
prepareEnv();
const { createWebGpuBackend } = await import('../src/index.js');
const b = await createWebGpuBackend();
console.log(b.info);
b.dispose();
console.log('disposed');
