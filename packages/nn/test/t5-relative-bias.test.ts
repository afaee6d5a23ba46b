import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { tensor, type TesseraError } from '@tessera/core';
import { relativePositionBucket, relativePositionBuckets, t5PositionBias } from '../src/positional/t5-relative-bias.js';

interface Case { name: string; inputs: { input_ids: number[][]; decoder_input_ids: number[][] }; expected: Record<string, number[][]> }
const load = (dir: string) => JSON.parse(readFileSync(new URL(`./fixtures/${dir}/cases.json`, import.meta.url), 'utf8')) as { cases: Case[] };
const opts = { numBuckets: 8, maxDistance: 128 };

function matrix(q: number, k: number, bidirectional: boolean, queryOffset = 0): number[][] {
  const flat = relativePositionBuckets(q, k, { ...opts, bidirectional, queryOffset });
  return Array.from({ length: q }, (_, i) => Array.from(flat.subarray(i * k, (i + 1) * k)));
}

describe('T5 relative position buckets', () => {
  for (const dir of ['t5', 't5/x500']) {
    for (const c of load(dir).cases) {
      it(`${dir} ${c.name}: encoder (bidirectional) and decoder (causal) matrices equal the fixture`, () => {
        const te = c.inputs.input_ids[0]!.length;
        const td = c.inputs.decoder_input_ids[0]!.length;
        expect(matrix(te, te, true)).toEqual(c.expected.encoder_position_buckets);
        expect(matrix(td, td, false)).toEqual(c.expected.decoder_position_buckets);
      });
    }
  }

  it('matches the float32 formula at the t5-small settings (32 buckets, 128) including far offsets', () => {
    // Values of HF's formula evaluated with numpy float32: exact below 16 causal (8 per side
    // bidirectional), log-spaced up to 128, the last bucket beyond.
    const o = { numBuckets: 32, maxDistance: 128 };
    const causal = [0, 1, 7, 8, 12, 16, 32, 64, 127, 128, 1000].map((n) => relativePositionBucket(-n, { ...o, bidirectional: false }));
    expect(causal).toEqual([0, 1, 7, 8, 12, 16, 21, 26, 31, 31, 31]);
    const bi = [-1, 1, 0, 7, 8, 200].map((r) => relativePositionBucket(r, { ...o, bidirectional: true }));
    expect(bi).toEqual([1, 17, 0, 23, 24, 31]);
  });

  it('causal buckets ignore future keys and a query offset shifts rows (decoder step with a cache)', () => {
    expect(relativePositionBucket(5, { ...opts, bidirectional: false })).toBe(0);
    const full = matrix(6, 6, false);
    expect(matrix(1, 6, false, 5)).toEqual([full[5]]);
    expect(matrix(2, 6, true, 4)).toEqual(matrix(6, 6, true).slice(4));
  });

  it('rejects bad options with typed errors naming the function and argument', () => {
    const bad = (f: () => unknown, re: RegExp) => {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect((err as TesseraError).code).toBe('ERR_ARGUMENT');
      expect((err as Error).message).toMatch(re);
    };
    bad(() => relativePositionBucket(1.5, { ...opts, bidirectional: true }), /relativePositionBucket: relativePosition must be an integer, got 1.5/);
    bad(() => relativePositionBuckets(2, 2, { numBuckets: 2, maxDistance: 8, bidirectional: true }), /numBuckets must be an integer ≥ 4/);
    bad(() => relativePositionBuckets(2, 2, { numBuckets: 8, maxDistance: 2, bidirectional: true }), /maxDistance must be an integer > 2/);
    bad(() => relativePositionBuckets(-1, 2, { ...opts, bidirectional: false }), /queryLength must be an integer ≥ 0, got -1/);
    bad(() => relativePositionBuckets(1, 2, { ...opts, bidirectional: false, queryOffset: 0.5 }), /queryOffset/);
  });
});

describe('t5PositionBias', () => {
  it('gathers per-head biases into [1, heads, q, k] and is differentiable in the weight', () => {
    const w = tensor(Array.from({ length: 8 * 2 }, (_, i) => i), { shape: [8, 2], requiresGrad: true });
    const b = t5PositionBias(w, 3, 4, { ...opts, bidirectional: true });
    expect(b.shape).toEqual([1, 2, 3, 4]);
    const ids = matrix(3, 4, true);
    const v = Array.from(b.dataSync());
    for (let h = 0; h < 2; h++) for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) {
      expect(v[h * 12 + i * 4 + j]).toBe(ids[i]![j]! * 2 + h);
    }
    b.sum().backward();
    const counts = new Array(8).fill(0);
    ids.flat().forEach((id) => counts[id]++);
    expect(Array.from(w.grad!.dataSync())).toEqual(counts.flatMap((n) => [n, n]));
  });

  it('rejects a weight that is not [numBuckets, heads]', () => {
    const w = tensor([1, 2, 3], { shape: [3, 1] });
    expect(() => t5PositionBias(w, 2, 2, { ...opts, bidirectional: true })).toThrow(/t5PositionBias: weight must be \[numBuckets 8, heads\], got \[3, 1\]/);
  });
});
