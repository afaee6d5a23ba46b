// Suite `transformer`: inference of a GPT-2-small-shaped model (12 layers, 12 heads, 768 wide,
// vocabulary 50257, random weights; lib/gpt2.mjs): prefill of 128 tokens at batch 1 and 8, and one
// decode step at 128 tokens of context (127 cached) at batch 1; every impl computes the logits of
// the last position only and reads them back. Tessera runs @tessera/nn's GPT2LMHeadModel (the
// shared decoder) on each backend; onnxruntime-web and onnxruntime-node run the same weights as an
// ONNX graph built in-process. Backs issue #32's goal: tessera-wasm prefill ≥ 1.5× onnxruntime-web.
import { gpt2Reference64, gpt2Weights } from '../lib/gpt2.mjs';
import { rng } from '../lib/data.mjs';

export const name = 'transformer';
export const title = 'GPT-2-small-shaped inference (12L/12H/768d, vocab 50257): prefill of 128 tokens at batch 1 / 8, one decode step at 128 of context; last-position logits read back';

export const samplesLabel = 'tokens/s';
export const samplesKey = 'tokensPerSec';

export const MODELS = {
  'gpt2-small': { layers: 12, heads: 12, dim: 768, vocab: 50257, positions: 1024 },
  tiny: { layers: 2, heads: 3, dim: 24, vocab: 37, positions: 16 },
};

// One set of weights per model shape for the whole run (generating 124M values takes seconds).
const weightsCache = new Map();
const weightsOf = (model) => {
  if (!weightsCache.has(model)) weightsCache.set(model, gpt2Weights(MODELS[model], 7));
  return weightsCache.get(model);
};

const nonEmbedding = (m) => m.layers * 12 * m.dim * m.dim;

function check(p, inputs, out) {
  const m = MODELS[p.model], want = p.batch * m.vocab;
  if (out.length !== want) return { ok: false, detail: `got ${out.length} logits, want ${want} (batch × vocab)` };
  if (!Array.from(out).every(Number.isFinite)) return { ok: false, detail: 'non-finite logits' };
  if (p.model !== 'tiny') return { ok: true, detail: '' };
  const ref = gpt2Reference64(m, inputs.weights, inputs.ids);
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(out[i] - ref[i]) / (1e-3 + Math.abs(ref[i])));
  return worst <= 1e-3 ? { ok: true, detail: '' } : { ok: false, detail: `logits differ from the float64 reference by ${worst.toExponential(2)} (relative) > 1e-3` };
}

const op = (kind) => ({
  inputs({ model, batch, tokens }, seed) {
    const r = rng(seed);
    const ids = Array.from({ length: batch }, () => Array.from({ length: tokens }, () => Math.floor(r() * MODELS[model].vocab)));
    return { weights: weightsOf(model), ids };
  },
  // multiply-adds of one run: the layers for each new token, the attention over the context, one LM head per row
  work: ({ model, batch, tokens }) => {
    const m = MODELS[model], fresh = kind === 'prefill' ? tokens : 1;
    return batch * (fresh * nonEmbedding(m) + 2 * m.layers * fresh * tokens * m.dim + m.dim * m.vocab);
  },
  samples: ({ batch, tokens }) => batch * (kind === 'prefill' ? tokens : 1),
  check,
});
export const ops = { prefill: op('prefill'), decode: op('decode') };

const c = (caseName, opName, model, batch, tokens) => ({ name: caseName, op: opName, params: { model, batch, tokens } });
export const verifyCases = [c('verify: tiny prefill b2 × 6', 'prefill', 'tiny', 2, 6), c('verify: tiny decode b2 at 7', 'decode', 'tiny', 2, 7)];
export const cases = [
  c('prefill-b1', 'prefill', 'gpt2-small', 1, 128), c('decode-ctx128', 'decode', 'gpt2-small', 1, 128),
  c('prefill-b8', 'prefill', 'gpt2-small', 8, 128),
];
export const baselines = ['onnxruntime-web', 'onnxruntime-node'];
export const headlines = [
  ['tessera-wasm', 'onnxruntime-web', 'prefill-b1', 1.5], ['tessera-wasm', 'onnxruntime-web', 'prefill-b8', 1.5],
  ['tessera-wasm', 'onnxruntime-web', 'decode-ctx128', null],
  ['tessera-wasm', 'onnxruntime-node', 'prefill-b1', null], ['tessera-wasm', 'onnxruntime-node', 'prefill-b8', null],
  ['tessera-wasm', 'onnxruntime-node', 'decode-ctx128', null],
];
