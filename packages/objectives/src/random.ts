/**
 * A small seeded generator for host-side choices (block offsets, shuffles). Counter-based
 * (SplitMix64 over a 53-bit seed and a draw counter), so its whole state is two numbers that a
 * checkpoint can store and a resumed run can restore.
 */
import { ObjectiveError } from './errors.js';

const MASK64 = (1n << 64n) - 1n;

function splitmix(x: bigint): bigint {
  let z = (x + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

export interface RandomState { seed: number; counter: number }

export class SeededRandom {
  seed: number;
  counter: number;

  constructor(seed: number, counter = 0) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new ObjectiveError(`SeededRandom: seed must be a non-negative safe integer, got ${String(seed)}`);
    if (!Number.isSafeInteger(counter) || counter < 0) throw new ObjectiveError(`SeededRandom: counter must be a non-negative safe integer, got ${String(counter)}`);
    this.seed = seed;
    this.counter = counter;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const z = splitmix((BigInt(this.seed) * 0x100000001b3n + BigInt(this.counter++)) & MASK64);
    return Number(z >> 11n) / 2 ** 53;
  }

  /** An integer uniform in [0, n). */
  int(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new ObjectiveError(`SeededRandom.int: n must be a positive integer, got ${String(n)}`);
    return Math.floor(this.next() * n);
  }

  /** A permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }

  state(): RandomState { return { seed: this.seed, counter: this.counter }; }

  static fromState(s: RandomState): SeededRandom { return new SeededRandom(s.seed, s.counter); }
}
