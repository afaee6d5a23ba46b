// Shared ONNX Runtime adapter: onnxruntime-node and onnxruntime-web have the same JS API.
// Each op is a one-node ONNX graph built in-process (lib/onnx.mjs); all operands are graph
// inputs fed from JS on every run (ORT's API copies / wraps them per run; that cost is in the time),
// the output is read back with `await tensor.getData()`.
import { matmulModel, softmaxModel, layerNormModel, geluModel } from './onnx.mjs';

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
    },
    async teardown() {
      for (const s of sessions.splice(0)) await s.release?.();
    },
  };
}
