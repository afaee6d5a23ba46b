// Suite `train`: one training step of nanoGPT's baby GPT (see lib/gpt.mjs) and of a small MLP, fp32: forward (matmul + bias, ReLU, matmul + bias,
// ReLU, matmul + bias), mean cross-entropy over the batch, backward, an Adam update of all six
// parameters (Tessera: adamwUpdate with weightDecay 0; tfjs: tf.train.adam, which has no decoupled
// weight decay, so decay is 0 on both), and the loss read back to JS. Backs issue #12's
// "training step of a small MLP: tokens/s against the same model in tfjs-wasm; goal ≥ 3×".
import { uniform, rng } from '../lib/data.mjs';
import { gptInputs, gptLoss64 } from '../lib/gpt.mjs';

export const name = 'train';
export const title = 'training step (baby GPT, MLP): forward + mean cross-entropy + backward + Adam (lr 1e-3, no decay), loss read back';

export const ADAM = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** Layer sizes [in, h1, h2, out] → [[fanIn, fanOut], ...]. */
const layersOf = (dims) => dims.slice(1).map((d, i) => [dims[i], d]);

/** Float64 reference: forward (returns loss and activations) for ReLU MLP. */
function forward64(dims, batch, P, x, y) {
  const acts = [Float64Array.from(x)];
  let h = acts[0];
  layersOf(dims).forEach(([fi, fo], l) => {
    const W = P[2 * l], b = P[2 * l + 1];
    const z = new Float64Array(batch * fo);
    for (let n = 0; n < batch; n++) {
      for (let k = 0; k < fi; k++) {
        const a = h[n * fi + k];
        if (a === 0) continue;
        for (let j = 0; j < fo; j++) z[n * fo + j] += a * W[k * fo + j];
      }
      for (let j = 0; j < fo; j++) z[n * fo + j] += b[j];
    }
    const last = l === dims.length - 2;
    if (!last) for (let i = 0; i < z.length; i++) z[i] = Math.max(0, z[i]);
    acts.push(z);
    h = z;
  });
  const C = dims[dims.length - 1];
  let loss = 0;
  const dlogits = new Float64Array(batch * C);
  for (let n = 0; n < batch; n++) {
    let mx = -Infinity;
    for (let c = 0; c < C; c++) mx = Math.max(mx, h[n * C + c]);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(h[n * C + c] - mx);
    loss += Math.log(s) + mx - h[n * C + y[n]];
    for (let c = 0; c < C; c++) dlogits[n * C + c] = (Math.exp(h[n * C + c] - mx) / s - (c === y[n] ? 1 : 0)) / batch;
  }
  return { loss: loss / batch, acts, dlogits };
}

/** Float64 reference of `steps` training steps; returns the loss before each update. */
export function referenceLosses({ dims, batch }, { params, x, y }, steps) {
  const P = params.map((p) => Float64Array.from(p));
  const M = P.map((p) => new Float64Array(p.length)), V = P.map((p) => new Float64Array(p.length));
  const losses = [];
  const L = layersOf(dims);
  for (let step = 1; step <= steps; step++) {
    const { loss, acts, dlogits } = forward64(dims, batch, P, x, y);
    losses.push(loss);
    if (step === steps) break;
    // backward
    const G = P.map((p) => new Float64Array(p.length));
    let dz = dlogits;
    for (let l = L.length - 1; l >= 0; l--) {
      const [fi, fo] = L[l];
      const hin = acts[l], W = P[2 * l];
      for (let n = 0; n < batch; n++) {
        for (let j = 0; j < fo; j++) G[2 * l + 1][j] += dz[n * fo + j];
        for (let k = 0; k < fi; k++) {
          const a = hin[n * fi + k];
          if (a === 0) continue;
          for (let j = 0; j < fo; j++) G[2 * l][k * fo + j] += a * dz[n * fo + j];
        }
      }
      if (l > 0) {
        const dh = new Float64Array(batch * fi);
        for (let n = 0; n < batch; n++) {
          for (let k = 0; k < fi; k++) {
            if (hin[n * fi + k] <= 0) continue; // ReLU'
            let s = 0;
            for (let j = 0; j < fo; j++) s += W[k * fo + j] * dz[n * fo + j];
            dh[n * fi + k] = s;
          }
        }
        dz = dh;
      }
    }
    // Adam
    const { lr, beta1, beta2, eps } = ADAM;
    P.forEach((p, i) => {
      for (let q = 0; q < p.length; q++) {
        const g = G[i][q];
        M[i][q] = beta1 * M[i][q] + (1 - beta1) * g;
        V[i][q] = beta2 * V[i][q] + (1 - beta2) * g * g;
        p[q] -= lr * (M[i][q] / (1 - beta1 ** step)) / (Math.sqrt(V[i][q] / (1 - beta2 ** step)) + eps);
      }
    });
  }
  return losses;
}

export const ops = {
  // nanoGPT's baby GPT (lib/gpt.mjs): forward, mean cross-entropy over every position, backward, Adam
  // of every parameter; the first step's loss is checked against a float64 forward pass, and a
  // multi-step verify run must lower the loss. samples = tokens (batch x block).
  gptStep: {
    inputs: gptInputs,
    work: ({ batch, block }) => batch * block,
    samples: ({ batch, block }) => batch * block,
    check(params, inputs, out) {
      const steps = params.steps ?? 1;
      if (out.length !== steps) return { ok: false, detail: `got ${out.length} losses, want ${steps}` };
      const want = gptLoss64(params, inputs), e = Math.abs(out[0] - want) / want;
      if (!(e <= 1e-3)) return { ok: false, detail: `loss of step 1: got ${out[0]}, want ${want} (rel err ${e.toExponential(1)} > 1e-3)` };
      if (steps > 1 && !(out[steps - 1] < out[0])) return { ok: false, detail: `loss did not fall over ${steps} steps: ${Array.from(out).join(', ')}` };
      return { ok: true, detail: '' };
    },
  },
  trainStep: {
    // params: W1 [in, h1], b1 [h1], W2, b2, W3, b3 (PyTorch-style U(±1/√fanIn) init); x [batch, in]; y int32 [batch]
    inputs({ dims, batch }, seed) {
      const params = [];
      layersOf(dims).forEach(([fi, fo], l) => {
        const a = 1 / Math.sqrt(fi);
        params.push(uniform(fi * fo, seed + 10 * l + 1, -a, a), uniform(fo, seed + 10 * l + 2, -a, a));
      });
      const r = rng(seed + 99);
      const y = new Int32Array(batch);
      for (let i = 0; i < batch; i++) y[i] = Math.floor(r() * dims[dims.length - 1]);
      return { params, x: uniform(batch * dims[0], seed + 100, -1, 1), y };
    },
    work: ({ batch }) => batch,
    samples: ({ batch }) => batch,
    // output: the loss of each step the run made (1 step, or `steps` in verify cases), read back
    check(params, inputs, out) {
      const steps = params.steps ?? 1;
      if (out.length !== steps) return { ok: false, detail: `got ${out.length} losses, want ${steps}` };
      const want = referenceLosses(params, inputs, steps);
      for (let s = 0; s < steps; s++) {
        const e = Math.abs(out[s] - want[s]) / Math.abs(want[s]);
        if (!(e <= 1e-3)) return { ok: false, detail: `loss of step ${s + 1}: got ${out[s]}, want ${want[s]} (rel err ${e.toExponential(1)} > 1e-3)` };
      }
      return { ok: true, detail: '' };
    },
  },
};

const mlp = (dims, batch, steps) => ({
  name: `mlp ${dims.join('-')} relu, batch ${batch}${steps ? `, ${steps} steps` : ''}`,
  op: 'trainStep',
  params: { dims, batch, ...(steps ? { steps } : {}) },
});

const gpt = (layers, heads, dim, block, batch, vocab, steps) => ({
  name: `gpt ${layers}L ${heads}H ${dim}d, block ${block}, batch ${batch}${steps ? `, ${steps} steps` : ''}`,
  op: 'gptStep',
  params: { layers, heads, dim, block, batch, vocab, ...(steps ? { steps } : {}) },
});

// verify: 3 MLP steps on odd sizes check forward, backward and the Adam update against float64; a
// tiny GPT checks its first loss against float64 and that 10 steps lower it
export const verifyCases = [mlp([37, 19, 23, 5], 7, 3), gpt(2, 2, 16, 8, 3, 11, 10)];
// the batch-1 GPT goes first so that an impl too slow for batch 12 (software GPU adapters, the
// CUDA simulator) is skipped by the projected-time cap instead of running for minutes
export const cases = [mlp([256, 512, 512, 10], 64), gpt(4, 4, 128, 64, 1, 65), gpt(4, 4, 128, 64, 12, 65)];
export const baselines = ['tessera-wasm', 'tfjs-wasm'];
export const headlines = [['tessera-wasm', 'tfjs-wasm', cases[0].name, 3], ['tessera-wasm', 'tfjs-wasm', cases[2].name, 3]];
