/**
 * The garbage-collection backstop, in a child Node process started with --expose-gc (the built
 * packages: CI builds before testing): tensors a program drops without dispose / tidy are freed
 * when collected, views and autograd graphs keep what they need, and memory() counts what the
 * backstop freed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { COLLECT_UNTIL_STABLE, runNodeScript } from '../../../test-utils/child-node.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dist = (p: string) => `${root}packages/${p}/dist/index.js`;

const script = `
  const core = await import(${JSON.stringify(dist('core'))});
  await import(${JSON.stringify(dist('backend-cpu'))});
  await import(${JSON.stringify(dist('backend-wasm'))});
  ${COLLECT_UNTIL_STABLE}
  const out = {};
  for (const name of ['cpu', 'wasm']) {
    await core.setBackend(name);
    const w1 = core.randn([32, 64], { seed: 1 }), b1 = core.zeros([64]), w2 = core.randn([64, 16], { seed: 2 });
    for (const p of [w1, b1, w2]) p.requiresGrad = true;   // a graph hangs off every result
    const x = core.randn([8, 32], { seed: 3 });
    const forward = () => core.softmax(core.matmul(core.layerNorm(core.gelu(core.add(core.matmul(x, w1), b1)), [64]), w2), -1);
    const samples = [];
    const freed0 = core.memory().backends[name].numFreedByGC;
    for (let i = 1; i <= 10000; i++) {
      forward();                                            // dropped: no tidy, no dispose
      if (i % 1000 === 0) { await collect(); samples.push(core.memory().backends[name].numBytes); }
    }
    // A view outlives its dropped source; a graph keeps its inputs until backward.
    let view = (() => core.tensor([1, 2, 3, 4]).reshape([2, 2]))();
    let loss = (() => { const h = core.matmul(x, w1); return h.relu().sum(); })();
    await collect();
    const viewValues = Array.from(view.dataSync());
    loss.backward();
    const gradOk = w1.grad !== null && w1.grad.shape.join() === '32,64' && Number.isFinite(w1.grad.sum().item());
    out[name] = { samples, freedByGC: core.memory().backends[name].numFreedByGC - freed0, viewValues, gradOk };
  }
  console.log(JSON.stringify(out));
`;

it('10,000 forward calls without tidy keep live bytes bounded on cpu and wasm; views and graphs survive collection', () => {
  for (const p of ['core', 'backend-cpu', 'backend-wasm']) expect(existsSync(dist(p)), `${dist(p)} is missing: run \`npm run build\` first`).toBe(true);
  const out = runNodeScript<Record<string, { samples: number[]; freedByGC: number; viewValues: number[]; gradOk: boolean }>>(script, ['--expose-gc'], root);
  for (const [name, r] of Object.entries(out)) {
    console.log(`${name}: live bytes after each 1000 calls ${r.samples.join(', ')}; freed by the backstop ${r.freedByGC}`);
    expect(r.samples).toHaveLength(10);
    expect(Math.max(...r.samples), name).toBeLessThanOrEqual(r.samples[0]! + 64 * 1024); // flat, not growing with calls
    expect(r.freedByGC, name).toBeGreaterThanOrEqual(10000); // at least each dropped result
    expect(r.viewValues).toEqual([1, 2, 3, 4]);
    expect(r.gradOk).toBe(true);
  }
}, 180_000);
