// Suite `matmul`: fp32 C[m,n] = A[m,k] · B[k,n], row-major, inputs uniform in [-1, 1).
import { uniform, compare, sampleIndices } from '../lib/data.mjs';

export const name = 'matmul';
export const title = 'fp32 matmul C = A·B (row-major, inputs on the impl, result read back to JS)';

export const ops = {
  matmul: {
    inputs: ({ m, k, n }, seed) => ({ a: uniform(m * k, seed), b: uniform(k * n, seed + 1) }),
    flops: ({ m, k, n }) => 2 * m * k * n,
    work: ({ m, k, n }) => 2 * m * k * n,
    /** Checks `samples` entries of C (all when small) against float64 dot products. */
    check({ m, k, n }, { a, b }, c, samples = 256) {
      if (c.length !== m * n) return { ok: false, detail: `result has ${c.length} elements, want ${m * n}` };
      const want = (idx) => {
        const i = Math.floor(idx / n), j = idx % n;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
        return s;
      };
      return compare(c, want, sampleIndices(m * n, samples), { atol: 1e-4 * Math.sqrt(k), rtol: 1e-4 });
    },
  },
};

const mm = (m, k, n) => ({ name: k === m && n === m ? `${m}³` : `${m}x${k}x${n}`, op: 'matmul', params: { m, k, n } });
/** Small, odd shapes checked element by element before any timing. */
export const verifyCases = [mm(33, 47, 29), mm(130, 67, 94)];
/** Timed cases, smallest first (slow impls are skipped on later cases from their measured speed). */
// 1x768x3072: one decoding step of a GPT-2-small MLP; threads must not slow it down (wasm vs wasm-1t)
export const cases = [mm(1, 768, 3072), mm(256, 256, 256), mm(1024, 1024, 1024), mm(2048, 2048, 2048)];
/** Columns "× vs <impl>": baseline ms / impl ms (> 1: faster than the baseline). */
export const baselines = ['tessera-cpu', 'tfjs-cpu'];
/** Ratios printed under the table: [impl, baseline, case, goal?]. */
export const headlines = [
  ['tessera-cpu', 'tfjs-cpu', '1024³', 10],
  ['tessera-cpu', 'tfjs-wasm', '1024³'],
  ['tessera-cpu', 'onnxruntime-node', '1024³'],
  ['tessera-wasm', 'onnxruntime-web', '1024³', 1.75],
  ['tessera-wasm', 'tfjs-wasm', '1024³'],
  ['tessera-webgpu', 'tfjs-webgpu', '1024³', 2],
  // The 2-thread backend keeps this product on its calling thread, the same code as wasm-1t: the ratio is
  // 1 plus noise (0.98-1.02 in repeated runs), so "not slowed down" allows 5%.
  ['tessera-wasm', 'tessera-wasm-1t', '1x768x3072', 0.95],
];
