// Runs in headless chromium: a few ops and one tiny training step on WebGPU, results on window.
import * as tc from '@tessera/core';
import '../../src/index.js';

async function run(): Promise<Record<string, unknown>> {
  const b = await tc.setBackend('webgpu');
  const out: Record<string, unknown> = { description: b.info?.description };
  const x = tc.tensor([[1, 2], [3, 4]]);
  out.matmul = Array.from(await tc.matmul(x, x).data());
  out.softmax = Array.from(await tc.softmax(tc.tensor([1, 2, 3]), -1).data());
  out.sumAxis = Array.from(await tc.sum(x, 1).data());
  out.exp = Array.from(await tc.exp(tc.tensor([0, 1])).data());
  out.uniform = Array.from(await tc.rand([4], { seed: 7 } as never).data());
  try { x.dataSync(); } catch (e) { out.syncError = (e as { code?: string }).code; }
  // Tiny regression: y = 2x, one parameter, a few AdamW steps on the GPU; the loss must fall.
  const xs = tc.tensor([[1], [2], [3], [4]]), ys = tc.tensor([[2], [4], [6], [8]]);
  let w = tc.tensor([[0.5]]), m = tc.tensor([[0]]), v = tc.tensor([[0]]);
  const losses: number[] = [];
  for (let step = 1; step <= 5; step++) {
    w.requiresGrad = true;
    const d = tc.sub(tc.matmul(xs, w), ys);
    const loss = tc.mean(tc.mul(d, d));
    tc.backward(loss);
    losses.push((await loss.data())[0]!);
    const u = tc.adamwUpdate(w.detach(), w.grad!, m, v, { lr: 0.1, step, weightDecay: 0 });
    w = u.param; m = u.m; v = u.v;
  }
  out.losses = losses;
  return out;
}

const w = globalThis as unknown as { __result?: unknown; __error?: string };
run().then((r) => (w.__result = r), (e) => (w.__error = String(e?.stack ?? e)));
