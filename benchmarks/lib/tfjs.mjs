// Shared TensorFlow.js adapter: one tfjs-core engine, the backend chosen by name.
// Ops are what a tfjs user would write: tf.matMul, tf.softmax, layer norm from tf.moments
// (tfjs-core has no layerNorm op; tfjs-layers builds it the same way), gelu from tf.erf.
import * as tf from '@tensorflow/tfjs-core';
import { gptParams } from './gpt.mjs';

// Production mode: tfjs's documented setting for speed (drops debug-only checks and the
// "install tfjs-node" hint it prints in Node).
tf.enableProdMode();

/**
 * @param {{name: string, backend: string, load: () => Promise<object|void>}} o
 *   load imports the backend package and returns extra info ({threads, notes}).
 */
export function tfjsAdapter({ name, backend, load }) {
  let extra = {};
  const use = async () => {
    if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
  };
  // tfjs-core alone registers no gradients (its CJS bundle leaves them out); the union package
  // @tensorflow/tfjs registers all of them on import, as in any tfjs training program.
  const useWithGradients = async () => {
    await import('@tensorflow/tfjs');
    await use();
  };
  /** `steps` optimizer.minimize calls per run with tf.train.adam (= suites/train.mjs ADAM); returns the losses. */
  const adamRunner = (P, inputs, lossFn, steps) => {
    const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
    return {
      async run() {
        await use();
        const out = new Float32Array(steps);
        for (let s = 0; s < steps; s++) {
          const loss = opt.minimize(lossFn, true, P);
          out[s] = (await loss.data())[0];
          loss.dispose();
        }
        return out;
      },
      dispose() { for (const t of [...P, ...inputs]) t.dispose(); opt.dispose(); },
    };
  };
  // Each runner computes, reads back with `await t.data()`, and frees the result. tfjs-cpu and
  // tfjs-wasm share one engine and runs are interleaved, so every run selects its backend first.
  const runner = (inputs, compute) => ({
    async run() {
      await use();
      const y = tf.tidy(compute);
      const out = await y.data();
      y.dispose();
      return out;
    },
    dispose() { for (const t of inputs) t.dispose(); },
  });
  return {
    name,
    async setup() {
      extra = (await load()) ?? {};
      await use();
      await tf.ready();
      return { version: `tfjs-core ${tf.version_core}`, ...extra };
    },
    ops: {
      async matmul({ m, k, n }, { a, b }) {
        await use();
        const A = tf.tensor2d(a, [m, k]), B = tf.tensor2d(b, [k, n]);
        return runner([A, B], () => tf.matMul(A, B));
      },
      async softmax({ rows, cols }, { x }) {
        await use();
        const X = tf.tensor2d(x, [rows, cols]);
        return runner([X], () => tf.softmax(X, -1));
      },
      async layerNorm({ rows, cols, eps }, { x, weight, bias }) {
        await use();
        const X = tf.tensor2d(x, [rows, cols]), W = tf.tensor1d(weight), B = tf.tensor1d(bias);
        return runner([X, W, B], () => {
          const { mean, variance } = tf.moments(X, -1, true);
          return tf.add(tf.mul(tf.mul(tf.sub(X, mean), tf.rsqrt(tf.add(variance, eps))), W), B);
        });
      },
      async gelu(_shape, { x }) {
        await use();
        const X = tf.tensor1d(x);
        return runner([X], () => tf.mul(tf.mul(X, 0.5), tf.add(tf.erf(tf.mul(X, Math.SQRT1_2)), 1)));
      },
      // One training step per run (`steps` in verify cases): optimizer.minimize over tf.variables with
      // tf.train.adam (tfjs has no AdamW; weight decay is 0 on every impl); returns the losses.
      async trainStep({ dims, batch, steps = 1 }, { params, x, y }) {
        await useWithGradients();
        const P = params.map((p, i) => tf.variable(i % 2 ? tf.tensor1d(p) : tf.tensor2d(p, [dims[i / 2], dims[i / 2 + 1]])));
        const X = tf.tensor2d(x, [batch, dims[0]]);
        const Y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), dims[dims.length - 1]), 'float32'));
        const last = P.length / 2 - 1;
        const lossFn = () => {
          let h = X;
          for (let l = 0; l <= last; l++) {
            h = tf.add(tf.matMul(h, P[2 * l]), P[2 * l + 1]);
            if (l < last) h = tf.relu(h);
          }
          return tf.neg(tf.mean(tf.sum(tf.mul(Y, tf.logSoftmax(h, -1)), -1)));
        };
        return adamRunner(P, [X, Y], lossFn, steps);
      },
      // nanoGPT's baby GPT (lib/gpt.mjs) as a tfjs user writes it: layer norm from tf.moments, attention
      // from matMul + causal mask + softmax, gelu from tf.erf (tfjs-core has none of them fused).
      async gptStep(p, { params, x, y }) {
        await useWithGradients();
        const { layers, heads, dim: C, block: T, batch: B, vocab: V, steps = 1 } = p;
        const N = B * T, hd = C / heads;
        const P = gptParams(p).map(([, shape], i) => tf.variable(tf.tensor(params[i], shape)));
        // token embedding as oneHot(x) · wte: tf.gather's gradient needs UnsortedSegmentSum, which
        // tfjs-wasm does not have
        const X = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(x, 'int32'), V), 'float32'));
        const Y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), V), 'float32'));
        const causal = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9));
        const ln = (h, w) => {
          const { mean, variance } = tf.moments(h, -1, true);
          return tf.mul(tf.mul(tf.sub(h, mean), tf.rsqrt(tf.add(variance, 1e-5))), w);
        };
        const heads4 = (t) => tf.transpose(tf.reshape(t, [B, T, heads, hd]), [0, 2, 1, 3]);
        const lossFn = () => {
          const [wte, wpe] = P;
          let h = tf.reshape(tf.add(tf.reshape(tf.matMul(X, wte), [B, T, C]), wpe), [N, C]);
          for (let l = 0; l < layers; l++) {
            const [ln1, attn, proj, ln2, fc, fcproj] = P.slice(2 + 6 * l, 8 + 6 * l);
            const [q, k, v] = tf.split(tf.matMul(ln(h, ln1), attn), 3, -1).map(heads4);
            const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)), causal), -1);
            const a = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [N, C]);
            h = tf.add(h, tf.matMul(a, proj));
            const f = tf.matMul(ln(h, ln2), fc);
            h = tf.add(h, tf.matMul(tf.mul(tf.mul(f, 0.5), tf.add(tf.erf(tf.mul(f, Math.SQRT1_2)), 1)), fcproj));
          }
          const logits = tf.matMul(ln(h, P[P.length - 1]), wte, false, true);
          return tf.neg(tf.mean(tf.sum(tf.mul(Y, tf.logSoftmax(logits, -1)), -1)));
        };
        return adamRunner(P, [X, Y, causal], lossFn, steps);
      },
    },
    async teardown() {},
  };
}
