// Shared ONNX Runtime adapter: onnxruntime-node and onnxruntime-web have the same JS API.
// Each op is a one-node ONNX graph built in-process (lib/onnx.mjs); all operands are graph
// inputs fed from JS on every run (ORT's API copies / wraps them per run; that cost is in the time),
// the output is read back with `await tensor.getData()`.
import { matmulModel, softmaxModel, layerNormModel, geluModel } from './onnx.mjs';
import { gpt2Onnx } from './gpt2.mjs';
import { MODELS } from '../suites/transformer.mjs';

/**
 * @param {{name: string, load: () => Promise<{ort: object, sessionOptions: object, info: object}>}} o
 */
export function ortAdapter({ name, load }) {
  let ort, sessionOptions;
  const sessions = [];
  async function runner(modelBytes, feedsSpec) {
    const session = await ort.InferenceSession.create(modelBytes, sessionOptions);
    sessions.push(session);
    const feeds = {};
    for (const [k, [data, dims]] of Object.entries(feedsSpec)) feeds[k] = new ort.Tensor('float32', data, dims);
    const out = session.outputNames[0];
    return {
      async run() {
        const results = await session.run(feeds);
        const y = results[out];
        const data = await y.getData();
        y.dispose?.();
        return data;
      },
      dispose() {},
    };
  }
  /** The transformer suite's GPT-2 as ONNX: decode feeds the prompt's K/V, computed once by a prefill graph with presents. */
  async function gpt2Runner({ model, batch: B, tokens }, { weights, ids }, kind) {
    const m = MODELS[model];
    const int64 = (rows) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
    const positions = (from, to) => ids.map(() => Array.from({ length: to - from }, (_, i) => from + i));
    const feeds = {};
    let session;
    if (kind === 'prefill') {
      session = await ort.InferenceSession.create(gpt2Onnx(m, weights, { batch: B, T: tokens }), sessionOptions);
      Object.assign(feeds, { ids: int64(ids), pos: int64(positions(0, tokens)) });
    } else {
      const prompt = await ort.InferenceSession.create(gpt2Onnx(m, weights, { batch: B, T: tokens - 1, presents: true }), sessionOptions);
      const pre = await prompt.run({ ids: int64(ids.map((r) => r.slice(0, tokens - 1))), pos: int64(positions(0, tokens - 1)) });
      await prompt.release?.();
      session = await ort.InferenceSession.create(gpt2Onnx(m, weights, { batch: B, T: 1, past: tokens - 1 }), sessionOptions);
      Object.assign(feeds, { ids: int64(ids.map((r) => r.slice(tokens - 1))), pos: int64(positions(tokens - 1, tokens)) });
      for (let l = 0; l < m.layers; l++) Object.assign(feeds, { [`past_k_${l}`]: pre[`present_k_${l}`], [`past_v_${l}`]: pre[`present_v_${l}`] });
    }
    sessions.push(session);
    return {
      async run() {
        const { logits } = await session.run(feeds, ['logits']);
        const data = await logits.getData();
        logits.dispose?.();
        return data;
      },
      dispose() {},
    };
  }
  return {
    name,
    async setup() {
      const loaded = await load();
      ort = loaded.ort;
      sessionOptions = { graphOptimizationLevel: 'all', ...loaded.sessionOptions };
      // Fail here, not in the first case, when the runtime cannot start.
      await ort.InferenceSession.create(softmaxModel({ rows: 1, cols: 2 }), sessionOptions);
      return loaded.info;
    },
    ops: {
      matmul: ({ m, k, n }, { a, b }) => runner(matmulModel({ m, k, n }), { A: [a, [m, k]], B: [b, [k, n]] }),
      softmax: ({ rows, cols }, { x }) => runner(softmaxModel({ rows, cols }), { X: [x, [rows, cols]] }),
      layerNorm: ({ rows, cols, eps }, { x, weight, bias }) =>
        runner(layerNormModel({ rows, cols, eps }), { X: [x, [rows, cols]], W: [weight, [cols]], Bias: [bias, [cols]] }),
      gelu: ({ n }, { x }) => runner(geluModel({ n }, 'op'), { X: [x, [n]] }),
      prefill: (p, inputs) => gpt2Runner(p, inputs, 'prefill'),
      decode: (p, inputs) => gpt2Runner(p, inputs, 'decode'),
    },
    async teardown() {
      for (const s of sessions.splice(0)) await s.release?.();
    },
  };
}
