/**
 * Random numbers: the suite's own Philox4x32-10 against the Random123 known answers, then the
 * backend's rand / randint (bit-exact) and randn (within 2 ulp at max(|y|, 1): a float32 cos/log
 * is allowed, a different stream is not) against it. A seeded call uses stream offset 0.
 */
import { expect } from 'vitest';
import * as tc from '@tessera/core';
import type { Tensor } from '@tessera/core';
import type { Ctx } from '../context.js';
import { ulp32 } from '../numeric.js';
import { normalStream, philox4x32_10, randintStream, uniformStream } from '../philox.js';

const KAT: [number[], number[], number[]][] = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

const nums = async (t: Tensor): Promise<number[]> => Array.from((await t.numbers()) as ArrayLike<number>, Number);

function firstMismatch(a: number[], e: ArrayLike<number>): string {
  for (let i = 0; i < a.length; i++) if (a[i] !== e[i]) return `element ${i}: got ${a[i]}, expected ${e[i]}`;
  return '';
}

export function defineRng(ctx: Ctx): void {
  ctx.test('rng/philox-reference/random123-known-answers', () => {
    for (const [ctr, key, out] of KAT) expect(philox4x32_10(ctr, key)).toEqual(out);
  });

  ctx.test('rng/rand/seed0-is-known-answer-block', async () => {
    // seed 0, offset 0: elements 0..3 are the words of philox(counter 0, key 0)
    const u = await nums(tc.rand([4], { seed: 0 }));
    expect(u).toEqual(KAT[0]![2].map((w) => (w >>> 8) * 2 ** -24));
    const r = await nums(tc.randint(0, 256, [4], { seed: 0 }));
    expect(r).toEqual(KAT[0]![2].map((w) => w & 0xff));
  });

  for (const seed of [1, 42, 123456789, 2 ** 32 + 5, 2 ** 40 + 3]) {
    ctx.test(`rng/rand/bit-exact-seed${seed}`, async () => {
      const n = 1003; // not a multiple of 4
      const got = await nums(tc.rand([17, 59], { seed }));
      expect(got.length).toBe(n);
      const mm = firstMismatch(got, uniformStream(seed, 0, n));
      expect(mm, mm).toBe('');
    });
  }

  for (const [k, [low, high]] of ([[0, 10], [-5, 7], [100, 101], [-1000, 1000000]] as [number, number][]).entries()) {
    ctx.test(`rng/randint/bit-exact-${low}-${high}`, async () => {
      const seed = 7 + 1000 * k;
      const got = await nums(tc.randint(low, high, [9, 11], { seed }));
      const mm = firstMismatch(got, randintStream(seed, 0, 99, low, high));
      expect(mm, mm).toBe('');
    });
  }

  for (const seed of [3, 99, 2 ** 33 + 1]) {
    ctx.test(`rng/randn/within-2ulp-seed${seed}`, async () => {
      const n = 1001;
      const got = await nums(tc.randn([n], { seed }));
      const { values } = normalStream(seed, 0, n);
      const bad: string[] = [];
      got.forEach((v, i) => {
        const e = values[i]!;
        if (!(Math.abs(v - e) <= 2 * ulp32(Math.max(Math.abs(e), 1))) && bad.length < 5) bad.push(`[${i}] got ${v}, expected ${e}`);
      });
      expect(bad, bad.join('; ')).toEqual([]);
    });
  }

  ctx.test('rng/same-seed-same-stream-different-seeds-differ', async () => {
    const a = await nums(tc.rand([256], { seed: 5 }));
    const b = await nums(tc.rand([256], { seed: 5 }));
    const c = await nums(tc.rand([256], { seed: 6 }));
    expect(a).toEqual(b);
    expect(a.filter((v, i) => v === c[i]).length).toBeLessThan(3);
    const n1 = await nums(tc.randn([64], { seed: 5 }));
    const n2 = await nums(tc.randn([64], { seed: 5 }));
    const n3 = await nums(tc.randn([64], { seed: 2 ** 32 + 5 })); // only the high key word differs
    expect(n1).toEqual(n2);
    expect(n1.filter((v, i) => v === n3[i]).length).toBeLessThan(3);
  });

  ctx.test('rng/manualSeed-reproducible-and-advancing', async () => {
    tc.manualSeed(1234);
    const a1 = await nums(tc.rand([32]));
    const a2 = await nums(tc.rand([32]));
    const a3 = await nums(tc.randn([8]));
    tc.manualSeed(1234);
    const b1 = await nums(tc.rand([32]));
    const b2 = await nums(tc.rand([32]));
    const b3 = await nums(tc.randn([8]));
    expect(b1).toEqual(a1);
    expect(b2).toEqual(a2);
    expect(b3).toEqual(a3);
    expect(a1).not.toEqual(a2); // the global generator advances between calls
    tc.manualSeed(4321);
    expect(await nums(tc.rand([32]))).not.toEqual(a1);
  });
}
