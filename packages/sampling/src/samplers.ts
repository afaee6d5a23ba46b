/**
 * Choosing the next token from one row of processed scores: greedy (lowest id wins ties), seeded
 * multinomial (a counter-based generator on the host, so the same seed and the same logits give the
 * same tokens on every backend), and llama.cpp's Mirostat v2, which keeps its own target surprise.
 */
import { SeededRandom } from '@tessera/objectives';
import { GenerationError } from './errors.js';
import { int, num, options } from './check.js';
import { argsortDesc, softmax } from './scores.js';

export interface Sampler {
  /** The chosen token of `row` (its scores are already processed). */
  sample(scores: Float32Array, row: number): number;
}

export class GreedySampler implements Sampler {
  sample(s: Float32Array): number {
    let best = 0;
    for (let i = 1; i < s.length; i++) if (s[i]! > s[best]!) best = i;
    return best;
  }
}

function draw(p: ArrayLike<number>, u: number, order?: readonly number[]): number {
  let acc = 0, last = -1;
  const n = order ? order.length : p.length;
  for (let r = 0; r < n; r++) {
    const i = order ? order[r]! : r;
    if (!(p[i]! > 0)) continue;
    last = i;
    acc += p[i]!;
    if (u < acc) return i;
  }
  if (last < 0) throw new GenerationError('sampling: every token was filtered out (all scores are −Infinity); loosen the filters', 'ERR_GENERATION');
  return last; // rounding left u ≥ the total
}

export class MultinomialSampler implements Sampler {
  readonly rng: SeededRandom;
  constructor(o: { seed?: number } = {}) {
    const w = 'MultinomialSampler', opts = options<typeof o>(w, o, ['seed']);
    this.rng = new SeededRandom(int(w, 'seed', opts.seed ?? 0, 0));
  }

  sample(s: Float32Array): number {
    return draw(softmax(s), this.rng.next());
  }
}

/** llama.cpp Mirostat v2: drop tokens whose surprise −log2 p exceeds mu, sample, move mu toward tau. */
export class MirostatV2Sampler implements Sampler {
  readonly tau: number;
  readonly eta: number;
  /** One mu per batch row, starting at 2·tau. */
  readonly mu = new Map<number, number>();
  readonly rng: SeededRandom;
  constructor(o: { tau?: number; eta?: number; seed?: number } = {}) {
    const w = 'MirostatV2Sampler', opts = options<typeof o>(w, o, ['tau', 'eta', 'seed']);
    this.tau = num(w, 'tau', opts.tau ?? 5, 0, Infinity);
    this.eta = num(w, 'eta', opts.eta ?? 0.1, 0, Infinity);
    this.rng = new SeededRandom(int(w, 'seed', opts.seed ?? 0, 0));
  }

  sample(s: Float32Array, row: number): number {
    const mu = this.mu.get(row) ?? 2 * this.tau;
    const p = softmax(s), order = argsortDesc(p);
    let keep = 0;
    while (keep < order.length && !(-Math.log2(p[order[keep]!]!) > mu)) keep++;
    keep = Math.max(1, keep);
    const kept = order.slice(0, keep);
    let total = 0;
    for (const i of kept) total += p[i]!;
    const q = new Float64Array(p.length);
    for (const i of kept) q[i] = p[i]! / total;
    const id = draw(q, this.rng.next(), kept);
    this.mu.set(row, mu - this.eta * (-Math.log2(q[id]!) - this.tau));
    return id;
  }
}
