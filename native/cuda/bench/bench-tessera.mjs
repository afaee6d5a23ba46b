// Tessera timings on the real `cuda` backend, printed as JSON {case: ms}. Used by gpu-check.sh.
import * as tc from '@tessera/core';
import { createCudaBackend } from '@tessera/backend-cuda';

const backend = createCudaBackend();
tc.registerBackend('cuda-bench', () => backend, 0);
await tc.setBackend('cuda-bench');
const res = {};

async function time(name, fn, iters) {
  tc.tidy(fn); // warm-up (cuBLAS handle, allocator)
  await backend.sync();
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) tc.tidy(fn);
  await backend.sync();
  res[name] = (performance.now() - t0) / iters;
  console.error(`${name}: ${res[name].toFixed(3)} ms`);
}

for (const cublas of [true, false]) {
  backend.native.setCublas(cublas);
  const impl = cublas ? 'cublas' : 'own';
  for (const n of [4096, 8192]) {
    for (const dtype of ['float32', 'bfloat16']) {
      const a = tc.randn([n, n], { seed: 1 }).to(dtype), b = tc.randn([n, n], { seed: 2 }).to(dtype);
      await time(`matmul ${dtype} ${n}^3 [${impl}]`, () => tc.matmul(a, b), n === 8192 ? 5 : 20);
      a.dispose(); b.dispose();
    }
  }
}
backend.native.setCublas(true);

// attention: batch 4, 16 heads, 2048 tokens, head dim 64, bf16, causal
const [B, H, T, D] = [4, 16, 2048, 64];
for (const causal of [false, true]) {
  const q = tc.randn([B, H, T, D], { seed: 3 }).to('bfloat16');
  const k = tc.randn([B, H, T, D], { seed: 4 }).to('bfloat16');
  const v = tc.randn([B, H, T, D], { seed: 5 }).to('bfloat16');
  await time(`attention fwd bf16 ${B}x${H}x${T}x${D}${causal ? ' causal' : ''}`, () => tc.scaledDotProductAttention(q, k, v, { isCausal: causal }), 10);
  const [qg, kg, vg] = [q, k, v].map((t) => { const c = t.detach(); c.requiresGrad = true; return c; });
  await time(`attention fwd+bwd bf16 ${B}x${H}x${T}x${D}${causal ? ' causal' : ''}`, () => {
    const o = tc.scaledDotProductAttention(qg, kg, vg, { isCausal: causal });
    o.sum().backward();
    for (const t of [qg, kg, vg]) { t.grad?.dispose(); t.grad = null; }
  }, 5);
}
process.stdout.write(JSON.stringify(res, null, 1) + '\n');
