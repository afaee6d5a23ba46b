import { prepareEnv } from '../test/setup-gpu.js';
prepareEnv();
const tc = await import('@tessera/core');
await import('../src/index.js');
const b: any = await tc.setBackend('webgpu');
const dev: GPUDevice = b.device;
const orig = dev.createShaderModule.bind(dev);
const seen = new Set<string>();
(dev as any).createShaderModule = (d: GPUShaderModuleDescriptor) => {
  const m = orig(d);
  if (!seen.has(d.code)) { seen.add(d.code); m.getCompilationInfo().then((info) => { for (const msg of info.messages) if (msg.type === 'error') console.log('ERR', msg.lineNum, msg.message, '\n', d.code.split('\n')[msg.lineNum - 1]); }); }
  return m;
};
const x = tc.randn ? tc.randn([3, 4]) : tc.tensor([[1, 5, 3], [4, 2, 6]]);
for (const f of [() => tc.max(x, 1), () => tc.min(x, 1), () => tc.argmax(x, 1), () => tc.sum(x, 1), () => tc.max(tc.cast(x, 'int32'), 1), () => tc.argmax(tc.cast(x, 'int32'), 1)]) {
  try { console.log(await f().data()); } catch (e) { console.log('E', (e as Error).message); }
}
process.exit(0);
