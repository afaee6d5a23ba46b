// Suite `ops`: the fused NN ops of a transformer block at GPT-2 sizes, fp32.
import { uniform, compare, sampleIndices, gelu } from '../lib/data.mjs';

export const name = 'ops';
export const title = 'fp32 softmax / layerNorm / gelu (inputs on the impl, result read back to JS)';

/** Picks up to `count` whole rows and checks every element of them. */
function rowIndices(rows, cols, count) {
  const pick = sampleIndices(rows, count, 11);
  const out = [];
  for (const r of pick) for (let j = 0; j < cols; j++) out.push(r * cols + j);
  return out;
}

export const ops = {
  softmax: {
    inputs: ({ rows, cols }, seed) => ({ x: uniform(rows * cols, seed, -8, 8) }),
    work: ({ rows, cols }) => rows * cols,
    check({ rows, cols }, { x }, y, sampleRows = 4) {
      if (y.length !== rows * cols) return { ok: false, detail: `result has ${y.length} elements, want ${rows * cols}` };
      const cache = new Map();
      const want = (idx) => {
        const r = Math.floor(idx / cols);
        if (!cache.has(r)) {
          let mx = -Infinity, s = 0;
          for (let j = 0; j < cols; j++) mx = Math.max(mx, x[r * cols + j]);
          for (let j = 0; j < cols; j++) s += Math.exp(x[r * cols + j] - mx);
          cache.set(r, { mx, s });
        }
        const { mx, s } = cache.get(r);
        return Math.exp(x[idx] - mx) / s;
      };
      return compare(y, want, rowIndices(rows, cols, sampleRows), { atol: 1e-9, rtol: 2e-4 });
    },
  },
  layerNorm: {
    inputs: ({ rows, cols }, seed) => ({
      x: uniform(rows * cols, seed, -2, 2),
      weight: uniform(cols, seed + 1, 0.5, 1.5),
      bias: uniform(cols, seed + 2, -0.5, 0.5),
    }),
    work: ({ rows, cols }) => rows * cols,
    check({ rows, cols, eps }, { x, weight, bias }, y, sampleRows = 8) {
      if (y.length !== rows * cols) return { ok: false, detail: `result has ${y.length} elements, want ${rows * cols}` };
      const cache = new Map();
      const want = (idx) => {
        const r = Math.floor(idx / cols), j = idx % cols;
        if (!cache.has(r)) {
          let mean = 0, v = 0;
          for (let q = 0; q < cols; q++) mean += x[r * cols + q];
          mean /= cols;
          for (let q = 0; q < cols; q++) v += (x[r * cols + q] - mean) ** 2;
          cache.set(r, { mean, rstd: 1 / Math.sqrt(v / cols + eps) }); // biased variance, as torch
        }
        const { mean, rstd } = cache.get(r);
        return (x[idx] - mean) * rstd * weight[j] + bias[j];
      };
      return compare(y, want, rowIndices(rows, cols, sampleRows), { atol: 1e-4, rtol: 1e-4 });
    },
  },
  gelu: {
    inputs: ({ n }, seed) => ({ x: uniform(n, seed, -4, 4) }),
    work: ({ n }) => n,
    check({ n }, { x }, y, samples = 4096) {
      if (y.length !== n) return { ok: false, detail: `result has ${y.length} elements, want ${n}` };
      return compare(y, (i) => gelu(x[i]), sampleIndices(n, samples), { atol: 1e-5, rtol: 1e-4 });
    },
  },
};

const sm = (rows, cols) => ({ name: `softmax [${rows}, ${cols}]`, op: 'softmax', params: { rows, cols } });
const ln = (rows, cols) => ({ name: `layerNorm [${rows}, ${cols}]`, op: 'layerNorm', params: { rows, cols, eps: 1e-5 } });
const ge = (n, label) => ({ name: `gelu erf [${label}]`, op: 'gelu', params: { n } });

export const verifyCases = [sm(3, 1001), ln(5, 67), ge(1000, '1000')];
export const cases = [sm(64, 50257), ln(2048, 768), ge(4 * 1024 * 1024, '4M')];
export const baselines = ['tessera-cpu', 'tfjs-cpu'];
export const headlines = [
  ['tessera-cpu', 'tfjs-cpu', 'softmax [64, 50257]'],
  ['tessera-cpu', 'tfjs-cpu', 'layerNorm [2048, 768]'],
  ['tessera-cpu', 'tfjs-cpu', 'gelu erf [4M]'],
];
