import { prepareEnv } from '../test/setup-gpu.js';
prepareEnv();
const tc = await import('@tessera/core');
await import('../src/index.js');
await tc.setBackend('webgpu');
console.log('set'); const t = tc.tensor([[1, 2, 3], [4, 5, 6]]);
console.log('created'); console.log(await t.data());
console.log(await t.array());
process.exit(0);
