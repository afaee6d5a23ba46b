// Suite `pretrain`: the CLM training step of `npm run demo`'s model — GPT-2, 4 layers, 4 heads, 128
// wide, block 64, batch 12, vocabulary 2048 (the demo's BPE) — forward, mean cross-entropy of every
// position, backward, an Adam(W) update of every parameter (weight decay 0 everywhere: tfjs's Adam
// has none), the loss read back. Tessera runs @tessera/nn's GPT2LMHeadModel with @tessera/train's
// AdamW on each backend; tfjs-wasm and jax-js run the same model written with their own ops
// (lib/gpt.mjs holds the weights' layout and the float64 reference of the first loss).
// Backs issue #29's goals: tessera-wasm ≥ 3× tfjs-wasm and ≥ 2× jax-js.
import { ops as trainOps } from './train.mjs';

export const name = 'pretrain';
export const title = "CLM training step of the demo's GPT-2 (4L/4H/128d, vocab 2048, block 64, batch 12): forward + cross-entropy + backward + AdamW, loss read back";

/** Tokens are the samples here: the table shows tokens/s, the JSON rows `tokensPerSec`. */
export const samplesLabel = 'tokens/s';
export const samplesKey = 'tokensPerSec';

export const ops = { gptStep: trainOps.gptStep };

const gpt = (caseName, layers, heads, dim, block, batch, vocab, steps) => ({
  name: caseName, op: 'gptStep', params: { layers, heads, dim, block, batch, vocab, ...(steps ? { steps } : {}) },
});

// a tiny model checks the first loss against float64 and that 10 steps lower it
export const verifyCases = [gpt('verify: gpt 2L 2H 16d, block 8, batch 3, 10 steps', 2, 2, 16, 8, 3, 11, 10)];
export const cases = [gpt('train-step', 4, 4, 128, 64, 12, 2048)];
export const baselines = ['tfjs-wasm', 'jax-js'];
export const headlines = [['tessera-wasm', 'tfjs-wasm', 'train-step', 3], ['tessera-wasm', 'jax-js', 'train-step', 2]];
