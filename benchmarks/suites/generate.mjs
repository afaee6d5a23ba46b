// Suite `generate`: the cost of decoding one token at batch 1 — with the KV cache (the prompt of
// N − 1 tokens is in the cache; a run feeds one token at position N − 1 and reads its logits back)
// and without it (a run recomputes all N positions and reads the last logits) — for a GPT-2-small-
// shaped model (12 layers, 768 wide, vocab 50257) and the demo's model shape (4 layers, 128 wide,
// vocab 2048; 1024 positions here), random weights. Backs issue #30's goals: with the cache the
// per-token cost stays near flat as N grows, and is ≥ 5× faster than without it at N = 256.
import { rng } from '../lib/data.mjs';

export const name = 'generate';
export const title = 'decode one token, batch 1: ms per token with and without the KV cache at N tokens of context';

export const MODELS = {
  'gpt2-small': { layers: 12, heads: 12, dim: 768, vocab: 50257, positions: 1024 },
  demo: { layers: 4, heads: 4, dim: 128, vocab: 2048, positions: 1024 },
};

const paramsOf = (m) => m.vocab * m.dim + m.positions * m.dim + m.layers * 12 * m.dim * m.dim;

const decodeStep = {
    inputs({ model, ctx }, seed) {
      const r = rng(seed);
      return { ids: Int32Array.from({ length: ctx }, () => Math.floor(r() * MODELS[model].vocab)) };
    },
    // multiply-adds of one run: every weight once per token (the cache computes one token)
    work: ({ model, ctx, cache }) => paramsOf(MODELS[model]) * (cache ? 1 : ctx),
    check({ model }, _inputs, out) {
      const V = MODELS[model].vocab;
      if (out.length !== V) return { ok: false, detail: `got ${out.length} logits, want ${V}` };
      if (!Array.from(out).every(Number.isFinite)) return { ok: false, detail: 'non-finite logits' };
      return { ok: true, detail: '' };
    },
};
// two ops so that each mode's projected time comes from its own smaller case
export const ops = { decodeCache: decodeStep, decodeNoCache: decodeStep };

const step = (model, ctx, cache) => ({
  name: `${model === 'demo' ? 'demo-' : ''}ctx${ctx}-${cache ? 'cache' : 'nocache'}`,
  op: cache ? 'decodeCache' : 'decodeNoCache',
  params: { model, ctx, cache },
});

export const verifyCases = [{ ...step('demo', 9, true), name: 'verify: demo ctx9 cache' }, { ...step('demo', 9, false), name: 'verify: demo ctx9 nocache' }];
// small before large so that the projected-time cap skips what a slow impl cannot finish
export const cases = ['demo', 'gpt2-small'].flatMap((m) => [64, 256, 1024].flatMap((n) => [step(m, n, true), step(m, n, false)]));
export const baselines = [];
// the same impl at two cases: [impl, case, vs case, goal ×]
export const caseHeadlines = [
  ['tessera-wasm', 'ctx256-cache', 'ctx256-nocache', 5],
  ['tessera-wasm', 'demo-ctx256-cache', 'demo-ctx256-nocache', 5],
  ['tessera-wasm', 'ctx1024-cache', 'ctx64-cache', null],
  ['tessera-wasm', 'demo-ctx1024-cache', 'demo-ctx64-cache', null],
];
