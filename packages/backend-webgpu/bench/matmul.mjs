// fp32 matmul 1024³, tessera-webgpu vs @tensorflow/tfjs-backend-webgpu on the same adapter, one
// Node process; each run includes reading the result back. Prints the median of several runs.
// Usage: npm run build -w @tessera/backend-webgpu && node packages/backend-webgpu/bench/matmul.mjs [n] [runs]
// Without a GPU: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (SwiftShader: compare ratios).
import { mkdirSync, chmodSync, existsSync } from 'node:fs';

const N = Number(process.argv[2] ?? 1024), RUNS = Number(process.argv[3] ?? 3);
const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(ICD)) process.env.VK_ICD_FILENAMES = ICD;
if (!process.env.XDG_RUNTIME_DIR) { mkdirSync('/tmp/tessera-xdg', { recursive: true }); chmodSync('/tmp/tessera-xdg', 0o700); process.env.XDG_RUNTIME_DIR = '/tmp/tessera-xdg'; }

// One Dawn instance for both libraries: tfjs looks for navigator.gpu, and so does tessera first.
const { create, globals } = await import('webgpu');
Object.assign(globalThis, globals);
const gpu = create(['backend=vulkan']);
if (!globalThis.navigator) globalThis.navigator = {};
Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const flops = 2 * N ** 3;

async function time(label, once) {
  await once(); // warm-up: pipeline compile, buffer pool
  const ts = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await once();
    ts.push(performance.now() - t0);
  }
  const ms = median(ts);
  return { label, ms, gflops: flops / ms / 1e6 };
}

const rows = [];
{
  const tc = await import('@tessera/core');
  await import('../dist/index.js');
  const b = await tc.setBackend('webgpu');
  const a = tc.rand([N, N]), w = tc.rand([N, N]);
  rows.push(await time('tessera-webgpu', async () => { const c = tc.matmul(a, w); await c.data(); c.dispose(); }));
  rows.at(-1).adapter = b.info.description;
}
{
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  await tf.setBackend('webgpu');
  await tf.ready();
  const a = tf.randomUniform([N, N]), w = tf.randomUniform([N, N]);
  rows.push(await time('tfjs-backend-webgpu', async () => { const c = tf.matMul(a, w); await c.data(); c.dispose(); }));
}

console.log(`fp32 matmul ${N}x${N}x${N}, median of ${RUNS} runs (readback included) on ${rows[0].adapter}`);
console.log('| library | ms | GFLOP/s |\n|---|---:|---:|');
for (const r of rows) console.log(`| ${r.label} | ${r.ms.toFixed(1)} | ${r.gflops.toFixed(2)} |`);
console.log(`ratio tessera / tfjs: ${(rows[0].gflops / rows[1].gflops).toFixed(2)}x`);
process.exit(0);
