// Runs in headless chromium (bundled from the BUILT dist of core and backend-wasm): the backend's
// info, a few ops against JS references, and a small MLP trained with AdamW; results on window.
import * as tc from '@tessera/core';
import '@tessera/backend-wasm';
import type { WasmBackend } from '@tessera/backend-wasm';

function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = (s / 2 ** 32) * 2 - 1; }
  return a;
}

/** Worst |got - want| / (1 + |want|). */
function err(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  return Number.isNaN(worst) ? Infinity : worst;
}

async function matmulErr(m: number, k: number, n: number, seed: number): Promise<number> {
  const a = rand(m * k, seed), b = rand(k * n, seed + 1);
  const want = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
    want[i * n + j] = s;
  }
  const got = await tc.matmul(tc.tensor(a, { shape: [m, k] }), tc.tensor(b, { shape: [k, n] })).data();
  return err(got as Float32Array, want);
}

async function softmaxErr(rows: number, n: number, seed: number): Promise<number> {
  const x = rand(rows * n, seed).map((v) => v * 4);
  const want = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let mx = -Infinity, s = 0;
    for (let j = 0; j < n; j++) mx = Math.max(mx, x[r * n + j]!);
    for (let j = 0; j < n; j++) s += Math.exp(x[r * n + j]! - mx);
    for (let j = 0; j < n; j++) want[r * n + j] = Math.exp(x[r * n + j]! - mx) / s;
  }
  return err((await tc.softmax(tc.tensor(x, { shape: [rows, n] }), -1).data()) as Float32Array, want);
}

async function layerNormErr(rows: number, n: number, seed: number): Promise<number> {
  const x = rand(rows * n, seed), w = rand(n, seed + 1), b = rand(n, seed + 2);
  const want = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let mu = 0, v = 0;
    for (let j = 0; j < n; j++) mu += x[r * n + j]!;
    mu /= n;
    for (let j = 0; j < n; j++) v += (x[r * n + j]! - mu) ** 2;
    const inv = 1 / Math.sqrt(v / n + 1e-5);
    for (let j = 0; j < n; j++) want[r * n + j] = (x[r * n + j]! - mu) * inv * w[j]! + b[j]!;
  }
  const got = await tc.layerNorm(tc.tensor(x, { shape: [rows, n] }), n, tc.tensor(w), tc.tensor(b)).data();
  return err(got as Float32Array, want);
}

/** 16x4 -> 8 (relu) -> 1, MSE, 5 AdamW steps; returns the losses. */
async function trainMlp(): Promise<number[]> {
  const X = rand(16 * 4, 11), Y = new Float32Array(16);
  for (let i = 0; i < 16; i++) Y[i] = X[i * 4]! - 0.5 * X[i * 4 + 1]! + 0.25 * X[i * 4 + 2]! * X[i * 4 + 3]!;
  const xs = tc.tensor(X, { shape: [16, 4] }), ys = tc.tensor(Y, { shape: [16, 1] });
  let params = [tc.tensor(rand(32, 21).map((v) => v * 0.5), { shape: [4, 8] }), tc.tensor(new Float32Array(8), { shape: [1, 8] }),
    tc.tensor(rand(8, 31).map((v) => v * 0.5), { shape: [8, 1] }), tc.tensor(new Float32Array(1), { shape: [1, 1] })];
  let ms = params.map((p) => tc.tensor(new Float32Array(p.size), { shape: p.shape }));
  let vs = params.map((p) => tc.tensor(new Float32Array(p.size), { shape: p.shape }));
  const losses: number[] = [];
  for (let step = 1; step <= 5; step++) {
    for (const p of params) p.requiresGrad = true;
    const [w1, b1, w2, b2] = params as [tc.Tensor, tc.Tensor, tc.Tensor, tc.Tensor];
    const h = tc.relu(tc.add(tc.matmul(xs, w1), b1));
    const d = tc.sub(tc.add(tc.matmul(h, w2), b2), ys);
    const loss = tc.mean(tc.mul(d, d));
    tc.backward(loss);
    losses.push((await loss.data())[0]!);
    const next = params.map((p, i) => tc.adamwUpdate(p.detach(), p.grad!, ms[i]!, vs[i]!, { lr: 0.05, step, weightDecay: 0.01 }));
    params = next.map((u) => u.param); ms = next.map((u) => u.m); vs = next.map((u) => u.v);
  }
  return losses;
}

async function run(): Promise<Record<string, unknown>> {
  const b = (await tc.setBackend('wasm')) as WasmBackend;
  const same = tc.getBackend() === b;
  const out: Record<string, unknown> = {
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated,
    sab: typeof SharedArrayBuffer === 'function',
    hardwareConcurrency: navigator.hardwareConcurrency,
    name: b.name, same, info: { ...b.info },
    threadsReady: await b.whenThreadsReady(),
  };
  out.matmul = await matmulErr(33, 17, 9, 1);
  out.softmax = await softmaxErr(7, 13, 2);
  out.layerNorm = await layerNormErr(5, 24, 3);
  // Large enough that the worker pool takes them even while its workers sleep (Pool.warm).
  out.matmulBig = await matmulErr(384, 256, 384, 4);
  out.softmaxBig = await softmaxErr(2048, 512, 5);
  out.layerNormBig = await layerNormErr(2048, 512, 6);
  out.losses = await trainMlp();
  // Jobs the worker pool ran (its control block's generation counter; internal, read for the check).
  const ctl = (b.rt.pool as unknown as { ctl?: Int32Array } | null)?.ctl;
  out.poolJobs = ctl ? Atomics.load(ctl, 0) : null;
  return out;
}

const w = globalThis as unknown as { __result?: unknown; __error?: string };
run().then((r) => (w.__result = r), (e) => (w.__error = String(e?.stack ?? e)));
