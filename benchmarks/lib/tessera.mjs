// Tessera adapters: one impl `tessera-<backend>` per backend registered in @tessera/core.
// Backend packages register themselves on import; every installed `@tessera/backend-*` package
// is imported, so a new backend shows up here without any change in benchmarks/.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gptParams } from './gpt.mjs';

/** Names of installed `@tessera/backend-*` packages (workspace links in node_modules/@tessera). */
function backendPackages() {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const scope = join(dir, 'node_modules', '@tessera');
    if (existsSync(scope)) {
      return readdirSync(scope).filter((d) => d.startsWith('backend-')).map((d) => `@tessera/${d}`).sort();
    }
    if (dirname(dir) === dir) return [];
  }
}

/** version field of the package.json above a resolved module file. */
function versionOf(spec) {
  for (let dir = dirname(fileURLToPath(import.meta.resolve(spec))); dirname(dir) !== dir; dir = dirname(dir)) {
    const f = join(dir, 'package.json');
    if (existsSync(f)) {
      const pkg = JSON.parse(readFileSync(f, 'utf8'));
      if (pkg.name === spec) return pkg.version;
    }
  }
  return '?';
}

/**
 * @returns {Promise<{adapters: object[], problems: {impl: string, reason: string}[]}>}
 */
export async function tesseraAdapters() {
  const problems = [];
  let core;
  try {
    core = await import('@tessera/core');
    if (typeof core.matmul !== 'function' || typeof core.listBackends !== 'function') {
      throw new Error('@tessera/core has no matmul / listBackends yet (is it built? `npm run build`)');
    }
  } catch (e) {
    return { adapters: [], problems: [{ impl: 'tessera-*', reason: `@tessera/core: ${e.message}` }] };
  }
  const pkgs = backendPackages();
  for (const pkg of pkgs) {
    try {
      const mod = await import(pkg);
      // wasm on one thread too: its tables show what the worker pool gains (or costs on skinny shapes)
      if (mod.createWasmBackend) core.registerBackend('wasm-1t', () => mod.createWasmBackend({ threads: 1 }), -1);
    } catch (e) {
      problems.push({ impl: `tessera (${pkg})`, reason: `import failed: ${e.message.split('\n')[0]}` });
    }
  }
  const names = core.listBackends().map((b) => (typeof b === 'string' ? b : b.name));
  if (!names.length) {
    problems.push({ impl: 'tessera-*', reason: `no backend registered after importing ${pkgs.join(', ') || 'no @tessera/backend-* package'}` });
  }
  const version = versionOf('@tessera/core');
  return { adapters: names.map((n) => tesseraAdapter(core, n, version)), problems };
}

const trainAdam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 }; // = suites/train.mjs ADAM

/**
 * A runner doing `steps` training steps per run: loss, backward, adamwUpdate (weightDecay 0, as
 * tfjs's Adam) + assign of every parameter, inside tidy; returns the losses read back.
 */
function adamRunner(T, backend, P, inputs, lossFn, steps, adam) {
  const moments = P.map((p) => ({ m: T.zerosLike(p), v: T.zerosLike(p) }));
  let step = 0;
  return {
    async run() {
      if (T.getBackend().name !== backend) await T.setBackend(backend);
      const out = new Float32Array(steps);
      for (let s = 0; s < steps; s++) {
        step++;
        const loss = T.tidy(() => {
          const l = lossFn();
          l.backward();
          P.forEach((p, i) => {
            const r = T.adamwUpdate(p, p.grad, moments[i].m, moments[i].v, { ...adam, weightDecay: 0, step });
            p.assign(r.param);
            moments[i].m.assign(r.m);
            moments[i].v.assign(r.v);
            p.grad = null;
          });
          return l;
        });
        out[s] = (await loss.data())[0];
        loss.dispose();
      }
      return out;
    },
    dispose() { for (const t of [...P, ...moments.flatMap((o) => [o.m, o.v]), ...inputs]) t.dispose(); },
  };
}

/**
 * One decoding step of GPT2LMHeadModel (random weights, seeded): with `cache`, the first ctx − 1 tokens
 * are prefilled once and each run rewinds the cache and feeds the last token; without, each run
 * recomputes all ctx positions. Returns the last position's logits.
 */
async function decodeStep(T, backend, opts, { model: shape, ctx, cache }, { ids }) {
  await T.setBackend(backend);
  const { GPT2Config, GPT2LMHeadModel } = await import('@tessera/nn');
  const { MODELS } = await import('../suites/generate.mjs');
  const m = MODELS[shape];
  T.manualSeed(7);
  const model = new GPT2LMHeadModel(new GPT2Config({
    vocab_size: m.vocab, n_positions: m.positions, n_embd: m.dim, n_layer: m.layers, n_head: m.heads,
    resid_pdrop: 0, embd_pdrop: 0, attn_pdrop: 0,
  })).eval();
  const row = (a) => T.tensor([Array.from(a)], { dtype: 'int32', ...opts });
  const kv = cache ? model.newCache({ batchSize: 1, maxLength: ctx }) : null;
  if (kv && ctx > 1) T.noGrad(() => T.tidy(() => { model.forward({ inputIds: row(ids.subarray(0, ctx - 1)), cache: kv }); }));
  const input = kv ? row(ids.subarray(ctx - 1)) : row(ids);
  const T0 = kv ? 1 : ctx;
  return {
    async run() {
      if (T.getBackend().name !== backend) await T.setBackend(backend);
      if (kv) kv.length = ctx - 1;
      const logits = T.noGrad(() => T.tidy(() => T.keep(model.forward({ inputIds: input, ...(kv ? { cache: kv } : {}) }).logits.slice(1, T0 - 1, T0).reshape([m.vocab]))));
      const out = await logits.data();
      logits.dispose();
      return out;
    },
    dispose() { model.dispose(); kv?.dispose(); input.dispose(); },
  };
}

/**
 * The transformer suite's GPT-2 (lib/gpt2.mjs weights, loaded through nn's Weights under HF's
 * names): `prefill` runs every token and reads the last position's logits; `decode` has the prompt
 * (all but the last token) in a KV cache and runs one step (the cache is rewound before each run).
 */
async function gpt2Inference(T, backend, opts, kind, { model: shape, batch: B, tokens }, { weights, ids }) {
  await T.setBackend(backend);
  const { GPT2Config, GPT2LMHeadModel, Weights, Checkpoint } = await import('@tessera/nn');
  const { MODELS } = await import('../suites/transformer.mjs');
  const { gpt2Shapes } = await import('./gpt2.mjs');
  const m = MODELS[shape];
  const tensors = Object.fromEntries(gpt2Shapes(m).map(([name, s]) => [name, T.tensor(weights[name], { shape: s, ...opts })]));
  const model = new GPT2LMHeadModel(new GPT2Config({
    vocab_size: m.vocab, n_positions: m.positions, n_embd: m.dim, n_layer: m.layers, n_head: m.heads,
    resid_pdrop: 0, embd_pdrop: 0, attn_pdrop: 0,
  }), new Weights(new Checkpoint(tensors, 'transformer'), opts)).eval();
  const rows = (cols) => T.tensor(ids.map((r) => r.slice(cols[0], cols[1])), { dtype: 'int32', ...opts });
  const wte = model.transformer.wte.weight;
  const lastLogits = (inputs) => T.noGrad(() => T.tidy(() => {
    const h = model.transformer.forward(inputs).lastHiddenState;
    const n = h.shape[1];
    return T.keep(T.matmul(h.slice(1, n - 1, n).reshape([B, m.dim]), wte.T));
  }));
  let kv = null, input;
  if (kind === 'decode') {
    kv = model.newCache({ batchSize: B, maxLength: tokens });
    T.noGrad(() => T.tidy(() => { model.transformer.forward({ inputIds: rows([0, tokens - 1]), cache: kv }); }));
    input = rows([tokens - 1, tokens]);
  } else input = rows([0, tokens]);
  return {
    async run() {
      if (T.getBackend().name !== backend) await T.setBackend(backend);
      if (kv) kv.length = tokens - 1;
      const logits = lastLogits({ inputIds: input, ...(kv ? { cache: kv } : {}) });
      const out = await logits.data();
      logits.dispose();
      return out;
    },
    dispose() { model.dispose(); kv?.dispose(); input.dispose(); },
  };
}

function tesseraAdapter(T, backend, version) {
  const opts = { backend };
  // Each runner computes, reads back with `await t.data()`, and frees what it made. Ops follow their
  // inputs' backend; the global one is selected too (runs of impls are interleaved) for any
  // constant an op may create.
  const runner = (inputs, compute) => ({
    async run() {
      if (T.getBackend().name !== backend) await T.setBackend(backend);
      const y = compute();
      const out = await y.data();
      y.dispose();
      return out;
    },
    dispose() { for (const t of inputs) t.dispose(); },
  });
  return {
    name: `tessera-${backend}`,
    async setup() {
      const b = await T.setBackend(backend);
      await b.whenThreadsReady?.(); // wasm starts its workers in the background
      const info = b.info ?? {};
      const threads = info.threads ?? info.numThreads;
      const notes = Object.entries(info).filter(([k]) => !['threads', 'numThreads'].includes(k))
        .map(([k, v]) => (k === 'description' ? String(v) : `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`)).join('; ');
      return { version: `@tessera/core ${version}`, threads, notes };
    },
    ops: {
      async matmul({ m, k, n }, { a, b }) {
        await T.setBackend(backend);
        const A = T.tensor(a, { shape: [m, k], ...opts }), B = T.tensor(b, { shape: [k, n], ...opts });
        return runner([A, B], () => T.matmul(A, B));
      },
      async softmax({ rows, cols }, { x }) {
        await T.setBackend(backend);
        const X = T.tensor(x, { shape: [rows, cols], ...opts });
        return runner([X], () => T.softmax(X, -1));
      },
      async layerNorm({ rows, cols, eps }, { x, weight, bias }) {
        await T.setBackend(backend);
        const X = T.tensor(x, { shape: [rows, cols], ...opts });
        const W = T.tensor(weight, { shape: [cols], ...opts }), B = T.tensor(bias, { shape: [cols], ...opts });
        return runner([X, W, B], () => T.layerNorm(X, [cols], W, B, eps));
      },
      async gelu({ n }, { x }) {
        await T.setBackend(backend);
        const X = T.tensor(x, { shape: [n], ...opts });
        return runner([X], () => T.gelu(X, { approximate: 'none' }));
      },
      // One training step per run (`steps` in verify cases): forward, mean cross-entropy, backward,
      // adamwUpdate (weightDecay 0, as tfjs's Adam) + assign for every parameter; returns the losses.
      async trainStep({ dims, batch, steps = 1 }, { params, x, y }, adam = trainAdam) {
        await T.setBackend(backend);
        const P = params.map((p, i) => {
          const shape = i % 2 ? [p.length] : [dims[i / 2], dims[i / 2 + 1]];
          return T.tensor(p, { shape, requiresGrad: true, ...opts });
        });
        const X = T.tensor(x, { shape: [batch, dims[0]], ...opts });
        const Y = T.tensor(y, { shape: [batch], dtype: 'int32', ...opts });
        const last = P.length / 2 - 1;
        const loss = () => {
          let h = X;
          for (let l = 0; l <= last; l++) {
            h = T.matmul(h, P[2 * l]).add(P[2 * l + 1]);
            if (l < last) h = T.relu(h);
          }
          return T.crossEntropy(h, Y);
        };
        return adamRunner(T, backend, P, [X, Y], loss, steps, adam);
      },
      // nanoGPT's baby GPT (lib/gpt.mjs) as @tessera/nn's GPT2LMHeadModel (erf gelu, zero biases,
      // the seeded weights under their HF names) with @tessera/train's AdamW (weightDecay 0, as tfjs's
      // Adam): forward, cross-entropy of every position, backward, step, inside tidy.
      async gptStep(p, { params, x, y }, adam = trainAdam) {
        await T.setBackend(backend);
        const [{ GPT2Config, GPT2LMHeadModel }, { AdamW }] = await Promise.all([import('@tessera/nn'), import('@tessera/train')]);
        const { layers, heads, dim: C, block: Tn, batch: B, vocab: V, steps = 1 } = p;
        const model = new GPT2LMHeadModel(new GPT2Config({
          vocab_size: V, n_positions: Tn, n_embd: C, n_layer: layers, n_head: heads, activation_function: 'gelu',
          resid_pdrop: 0, embd_pdrop: 0, attn_pdrop: 0, layer_norm_epsilon: 1e-5,
        }));
        const sd = model.stateDict();
        const hf = (name) => {
          const m = /^h(\d+)\.(\w+)$/.exec(name);
          if (!m) return { wte: 'transformer.wte.weight', wpe: 'transformer.wpe.weight', lnf: 'transformer.ln_f.weight' }[name];
          const leaf = { ln1: 'ln_1', attn: 'attn.c_attn', proj: 'attn.c_proj', ln2: 'ln_2', fc: 'mlp.c_fc', fcproj: 'mlp.c_proj' }[m[2]];
          return `transformer.h.${m[1]}.${leaf}.weight`;
        };
        T.noGrad(() => {
          gptParams(p).forEach(([name, shape], i) => sd[hf(name)].assign(T.tensor(params[i], { shape, ...opts })));
          for (const [k, t] of Object.entries(sd)) if (k.endsWith('.bias')) t.assign(T.zerosLike(t));
        });
        const opt = new AdamW(model.parameters(), { lr: adam.lr, betas: [adam.beta1, adam.beta2], eps: adam.eps, weightDecay: 0 });
        const X = T.tensor(x, { shape: [B, Tn], dtype: 'int32', ...opts });
        const Y = T.tensor(y, { shape: [B * Tn], dtype: 'int32', ...opts });
        return {
          async run() {
            if (T.getBackend().name !== backend) await T.setBackend(backend);
            const out = new Float32Array(steps);
            for (let s = 0; s < steps; s++) {
              const loss = T.tidy(() => {
                const { logits } = model.forward({ inputIds: X });
                const l = T.crossEntropy(logits.reshape([B * Tn, V]), Y);
                l.backward();
                return l;
              });
              opt.step();
              opt.zeroGrad();
              out[s] = (await loss.data())[0];
              loss.dispose();
            }
            return out;
          },
          dispose() { model.dispose(); opt.dispose(); X.dispose(); Y.dispose(); },
        };
      },
      async decodeCache(p, inputs) { return decodeStep(T, backend, opts, { ...p, cache: true }, inputs); },
      async prefill(p, inputs) { return gpt2Inference(T, backend, opts, 'prefill', p, inputs); },
      async decode(p, inputs) { return gpt2Inference(T, backend, opts, 'decode', p, inputs); },
      async decodeNoCache(p, inputs) { return decodeStep(T, backend, opts, { ...p, cache: false }, inputs); },
    },
    async teardown() {},
  };
}
