// Peer: jax-js (@jax-js/jax), a JAX-like library that trains: its wasm device, `valueAndGrad` of the
// baby GPT's loss and an AdamW update written with its ops (it ships no optimizer), both under
// `jit`. jax-js arrays are reference-counted: every use past the first takes `.ref`.
import { gptParams } from '../lib/gpt.mjs';

let jax;

const ADAM = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 }; // = suites/train.mjs ADAM (no decay, as tfjs)

export default {
  name: 'jax-js',
  async setup() {
    jax = await import('@jax-js/jax');
    const devices = await jax.init('wasm'); // only the device compared here (its WebGPU start fails on Dawn in Node)
    if (!devices.includes('wasm')) throw new Error(`no wasm device (devices: ${devices.join(', ')})`);
    jax.defaultDevice('wasm');
    const { readFileSync } = await import('node:fs');
    const pkg = new URL('../package.json', import.meta.resolve('@jax-js/jax')); // dist/index.js → package.json
    const version = JSON.parse(readFileSync(pkg, 'utf8')).version;
    return { version: `@jax-js/jax ${version}`, notes: 'wasm device, jit(valueAndGrad(loss)) + jit(AdamW)' };
  },
  ops: {
    // nanoGPT's baby GPT (lib/gpt.mjs) written with jax-js's numpy / nn, as a JAX user would
    async gptStep(p, { params, x, y }) {
      const { numpy: np, nn, jit, valueAndGrad, tree } = jax;
      const { layers, heads, dim: C, block: T, batch: B, vocab: V, steps = 1 } = p;
      const hd = C / heads;
      const flat = gptParams(p).map(([, shape], i) => np.array(Float32Array.from(params[i])).reshape(shape));
      let P = {
        wte: flat[0], wpe: flat[1], lnf: flat[flat.length - 1],
        blocks: Array.from({ length: layers }, (_, l) => {
          const [ln1, attn, proj, ln2, fc, fcproj] = flat.slice(2 + 6 * l, 8 + 6 * l);
          return { ln1, attn, proj, ln2, fc, fcproj };
        }),
      };
      const X = np.array(Int32Array.from(x), { dtype: np.int32 }).reshape([B, T]);
      const Y = np.array(Int32Array.from(y), { dtype: np.int32 });
      const ln = (h, w) => nn.standardize(h, -1, { epsilon: 1e-5 }).mul(w);
      const loss = (P, X, Y) => {
        let h = np.take(P.wte.ref, X, 0).add(P.wpe);
        for (const b of P.blocks) {
          const [q, k, v] = np.split(np.matmul(ln(h.ref, b.ln1), b.attn), 3, -1).map((t) => t.reshape([B, T, heads, hd]));
          const a = nn.dotProductAttention(q, k, v, { isCausal: true }).reshape([B, T, C]);
          h = h.add(np.matmul(a, b.proj));
          h = h.ref.add(np.matmul(nn.gelu(np.matmul(ln(h, b.ln2), b.fc), { approximate: false }), b.fcproj));
        }
        const logits = np.matmul(ln(h, P.lnf), np.transpose(P.wte)).reshape([B * T, V]);
        return nn.logSoftmax(logits, -1).mul(nn.oneHot(Y, V)).sum().mul(-1 / (B * T));
      };
      const step = jit(valueAndGrad(loss));
      const adam = jit((P, G, M, Vs, c1, c2) => {
        const pl = tree.leaves(P), gl = tree.leaves(G), ml = tree.leaves(M), vl = tree.leaves(Vs);
        const out = pl.map((w, i) => {
          const g = gl[i];
          const m = ml[i].mul(ADAM.beta1).add(g.ref.mul(1 - ADAM.beta1));
          const v = vl[i].mul(ADAM.beta2).add(g.ref.mul(g).mul(1 - ADAM.beta2));
          const upd = m.ref.div(c1.ref).div(np.sqrt(v.ref.div(c2.ref)).add(ADAM.eps));
          return [w.sub(upd.mul(ADAM.lr)), m, v];
        });
        c1.dispose(); c2.dispose();
        const [, def] = tree.flatten(P);
        return [tree.unflatten(def, out.map((o) => o[0])), tree.unflatten(def, out.map((o) => o[1])), tree.unflatten(def, out.map((o) => o[2]))];
      });
      let M = tree.map((a) => np.zerosLike(a.ref), P), Vs = tree.map((a) => np.zerosLike(a.ref), P);
      let t = 0;
      return {
        async run() {
          const out = new Float32Array(steps);
          for (let s = 0; s < steps; s++) {
            t++;
            const [l, G] = step(tree.ref(P), X.ref, Y.ref);
            out[s] = (await l.data())[0];
            [P, M, Vs] = adam(P, G, M, Vs, np.array([1 - ADAM.beta1 ** t]), np.array([1 - ADAM.beta2 ** t]));
          }
          await jax.blockUntilReady(P); // the last update is part of the step
          return out;
        },
        dispose() {
          tree.dispose(P); tree.dispose(M); tree.dispose(Vs); X.dispose(); Y.dispose();
          step.dispose?.(); adam.dispose?.();
        },
      };
    },
  },
  async teardown() {},
};
