import { describe, expect, it } from 'vitest';
import { GreedySampler, MirostatV2Sampler, MultinomialSampler } from '../src/index.js';

const logp = (ps: number[]) => Float32Array.from(ps.map(Math.log));

describe('samplers', () => {
  it('greedy takes the largest score, the lowest id on ties', () => {
    expect(new GreedySampler().sample(Float32Array.from([1, 3, 3, 2]))).toBe(1);
  });

  it('multinomial: frequencies match the probabilities (chi-square, fixed seed)', () => {
    const ps = [0.1, 0.2, 0.3, 0.4, 0];
    const s = new MultinomialSampler({ seed: 42 });
    const n = 20000, counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[s.sample(logp(ps))]!++;
    expect(counts[4]).toBe(0); // a −Infinity score is never drawn
    const chi2 = ps.slice(0, 4).reduce((a, p, i) => a + (counts[i]! - n * p) ** 2 / (n * p), 0);
    expect(chi2).toBeLessThan(16.27); // 3 degrees of freedom, p = 0.001
  });

  it('multinomial: the same seed gives the same tokens', () => {
    const draw = (seed: number) => { const s = new MultinomialSampler({ seed }); return Array.from({ length: 50 }, () => s.sample(logp([0.25, 0.25, 0.25, 0.25]))); };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('Mirostat v2 truncates by surprise and moves mu toward tau', () => {
    // tau 0.2: mu = 0.4 bits; only token 0 (−log2 0.75 = 0.415 > 0.4? no: 0.415 > 0.4 → even it is cut, so one is kept)
    const m = new MirostatV2Sampler({ tau: 0.2, eta: 0.5, seed: 1 });
    expect(m.sample(logp([0.75, 0.25]), 0)).toBe(0);
    // the kept token has probability 1 after renormalising: surprise 0, mu = 0.4 − 0.5·(0 − 0.2) = 0.5
    expect(m.mu.get(0)).toBeCloseTo(0.5, 12);
    const wide = new MirostatV2Sampler({ tau: 5, eta: 0.1, seed: 2 });
    const id = wide.sample(logp([0.75, 0.25]), 3); // mu = 10: nothing is cut
    expect(wide.mu.get(3)).toBeCloseTo(10 - 0.1 * (-Math.log2([0.75, 0.25][id]!) - 5), 6);
  });
});
