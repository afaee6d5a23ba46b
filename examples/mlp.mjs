// Trains a tiny MLP (2 -> 16 -> 2, ReLU) with autograd and AdamW to separate two interleaved spirals
// on backend-cpu, printing the falling loss. Run: `npm run build && node examples/mlp.mjs`.
import {
  adamwUpdate, arange, cat, crossEntropy, keep, matmul, memory, randn, stack, tidy, zeros, zerosLike,
} from '@tessera/core';
import '@tessera/backend-cpu';

const n = 128;
// two spirals: class 0 and class 1, radius growing with the angle, plus a little noise
const data = tidy(() => {
  const t = arange(n).to('float32').div(n).mul(3 * Math.PI).add(0.5);
  const arm = (phase) => stack([t.add(phase).cos().mul(t), t.add(phase).sin().mul(t)], 1);
  const x = cat([arm(0), arm(Math.PI)], 0).div(3 * Math.PI).add(randn([2 * n, 2], { seed: 7 }).mul(0.02));
  const y = cat([zeros([n], { dtype: 'int32' }), zeros([n], { dtype: 'int32' }).add(1)]);
  return { x, y };
});

const init = (shape, seed) => {
  const w = keep(randn(shape, { seed }).mul(Math.sqrt(2 / shape[0])));
  w.requiresGrad = true;
  return w;
};
const params = [init([2, 32], 1), keep(zeros([32])), init([32, 32], 2), keep(zeros([32])), init([32, 2], 3), keep(zeros([2]))];
for (const p of params) p.requiresGrad = true;
const moments = params.map((p) => ({ m: keep(zerosLike(p)), v: keep(zerosLike(p)) }));

const forward = (x) => {
  const [w1, b1, w2, b2, w3, b3] = params;
  const h1 = matmul(x, w1).add(b1).relu();
  const h2 = matmul(h1, w2).add(b2).relu();
  return matmul(h2, w3).add(b3);
};

const losses = [];
let accuracy = 0;
for (let step = 1; step <= 400; step++) {
  tidy(() => {
    const loss = crossEntropy(forward(data.x), data.y);
    loss.backward();
    params.forEach((p, i) => {
      const r = adamwUpdate(p, p.grad, moments[i].m, moments[i].v, { lr: 0.02, weightDecay: 0, step });
      p.assign(r.param);
      moments[i].m.assign(r.m);
      moments[i].v.assign(r.v);
      p.grad = null;
    });
    if (step === 1 || step % 50 === 0) {
      const acc = forward(data.x).argmax(1).eq(data.y).to('float32').mean().item();
      losses.push(loss.item());
      accuracy = acc;
      console.log(`step ${String(step).padStart(3)}  loss ${loss.item().toFixed(4)}  accuracy ${(acc * 100).toFixed(1)}%  live tensors ${memory().numTensors}`);
    }
  });
}

// `--check` (used by npm test): the loss must fall and the spirals must be separated
if (process.argv.includes('--check')) {
  const [first, last] = [losses[0], losses[losses.length - 1]];
  if (!(last < first * 0.5 && accuracy > 0.9)) {
    console.error(`mlp: training did not converge (loss ${first} -> ${last}, accuracy ${accuracy})`);
    process.exit(1);
  }
}
