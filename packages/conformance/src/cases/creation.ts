/** Creation functions, the Tensor read API, and 16-bit float storage (round to nearest even, bit-exact). */
import { expect } from 'vitest';
import * as tc from '@tessera/core';
import type { DType, Tensor } from '@tessera/core';
import type { Ctx } from '../context.js';
import { m } from '../methods.js';
import { ALL_DTYPES, Rng, bf16Bits, bf16Value, f16Bits, f16Value, isFloatDType, roundTo } from '../numeric.js';

const nums = async (t: Tensor): Promise<number[]> => Array.from((await t.numbers()) as ArrayLike<number>, Number);
const closeTo = (a: number[], e: number[], tol = 1e-6) => {
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => expect(Math.abs(v - e[i]!), `element ${i}: ${v} vs ${e[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e[i]!))));
};

const STORAGE: Record<DType, string> = {
  float32: 'Float32Array', float16: 'Uint16Array', bfloat16: 'Uint16Array', int32: 'Int32Array',
  int8: 'Int8Array', uint8: 'Uint8Array', bool: 'Uint8Array',
};

export function defineCreation(ctx: Ctx): void {
  ctx.test('creation/tensor/nested-array', async () => {
    const t = tc.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.ndim).toBe(2);
    expect(t.size).toBe(6);
    expect(t.backend).toBe(ctx.name);
    expect(t.isDisposed).toBe(false);
    expect(await t.array()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(await nums(t)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  ctx.test('creation/tensor/nested-3d-and-booleans', async () => {
    const t = tc.tensor([[[1], [2]], [[3], [4]]]);
    expect(t.shape).toEqual([2, 2, 1]);
    const b = tc.tensor([[true, false], [false, true]]);
    expect(b.dtype).toBe('bool');
    expect(await b.array()).toEqual([[true, false], [false, true]]);
  });

  ctx.test('creation/tensor/typed-arrays', async () => {
    const f = tc.tensor(new Float32Array([1.5, -2, 3, 4, 5, 6]), { shape: [2, 3] });
    expect(f.dtype).toBe('float32');
    expect(f.shape).toEqual([2, 3]);
    const i = tc.tensor(new Int32Array([7, -8, 9]));
    expect(i.dtype).toBe('int32');
    expect(i.shape).toEqual([3]);
    expect(await nums(i)).toEqual([7, -8, 9]);
    expect(tc.tensor(new Int8Array([1, -2])).dtype).toBe('int8');
    expect(tc.tensor(new Uint8Array([1, 250])).dtype).toBe('uint8');
  });

  ctx.test('creation/tensor/scalar-and-flat-with-shape', async () => {
    const s = tc.tensor(3.5);
    expect(s.shape).toEqual([]);
    expect(s.size).toBe(1);
    expect((await s.numbers())[0]).toBe(3.5);
    const flat = tc.tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] });
    expect(flat.shape).toEqual([3, 2]);
    expect(await flat.array()).toEqual([[1, 2], [3, 4], [5, 6]]);
    const sc = tc.scalar(2.25);
    expect(sc.shape).toEqual([]);
    expect((await sc.numbers())[0]).toBe(2.25);
    const si = tc.scalar(3, { dtype: 'int32' });
    expect(si.dtype).toBe('int32');
  });

  ctx.test('creation/tensor/every-dtype', async () => {
    const vals = [1, 2, 3.5, 0, 100.25, 7];
    for (const d of ALL_DTYPES) {
      const t = tc.tensor(vals, { dtype: d, shape: [2, 3] });
      expect(t.dtype).toBe(d);
      const data = await t.data();
      expect(data.constructor.name, `${d} storage`).toBe(STORAGE[d]);
      expect(await nums(t), d).toEqual(vals.map((v) => roundTo(d, v)));
    }
  });

  ctx.test('creation/zeros-ones-full', async () => {
    for (const d of ALL_DTYPES) {
      const z = tc.zeros([2, 3], { dtype: d });
      const o = tc.ones([4], { dtype: d });
      const f = tc.full([2, 2], d === 'bool' ? 1 : 3, { dtype: d });
      expect(z.dtype).toBe(d);
      expect(z.shape).toEqual([2, 3]);
      expect(await nums(z)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(await nums(o)).toEqual([1, 1, 1, 1]);
      expect(await nums(f)).toEqual(new Array(4).fill(d === 'bool' ? 1 : 3));
    }
    expect(tc.zeros([3]).dtype).toBe('float32');
    expect(await nums(tc.full([3], -1.5))).toEqual([-1.5, -1.5, -1.5]);
    expect(tc.zeros([]).shape).toEqual([]);
  });

  ctx.test('creation/like', async () => {
    const src = tc.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int8' });
    for (const [t, v] of [[tc.zerosLike(src), 0], [tc.onesLike(src), 1], [tc.fullLike(src, 7), 7]] as [Tensor, number][]) {
      expect(t.dtype).toBe('int8');
      expect(t.shape).toEqual([2, 3]);
      expect(await nums(t)).toEqual(new Array(6).fill(v));
    }
  });

  ctx.test('creation/arange', async () => {
    expect(await nums(tc.arange(5))).toEqual([0, 1, 2, 3, 4]);
    expect(await nums(tc.arange(2, 7))).toEqual([2, 3, 4, 5, 6]);
    expect(await nums(tc.arange(1, 2, 0.25))).toEqual([1, 1.25, 1.5, 1.75]);
    expect(await nums(tc.arange(5, 0, -2))).toEqual([5, 3, 1]);
    const i = tc.arange(0, 4, 1, { dtype: 'int32' });
    expect(i.dtype).toBe('int32');
    expect(i.shape).toEqual([4]);
  });

  ctx.test('creation/eye', async () => {
    expect(await tc.eye(3).array()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(await tc.eye(2, 4).array()).toEqual([[1, 0, 0, 0], [0, 1, 0, 0]]);
    const e = tc.eye(3, 2, { dtype: 'int32' });
    expect(e.dtype).toBe('int32');
    expect(await e.array()).toEqual([[1, 0], [0, 1], [0, 0]]);
  });

  ctx.test('creation/rand-randn-randint', async () => {
    const u = tc.rand([64, 64], { seed: 1 });
    expect(u.dtype).toBe('float32');
    expect(u.shape).toEqual([64, 64]);
    const uv = await nums(u);
    expect(Math.min(...uv)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uv)).toBeLessThan(1);
    expect(Math.abs(uv.reduce((a, b) => a + b, 0) / uv.length - 0.5)).toBeLessThan(0.02);
    const n = await nums(tc.randn([4096], { seed: 2 }));
    const mean = n.reduce((a, b) => a + b, 0) / n.length;
    const sd = Math.sqrt(n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length);
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
    const r = tc.randint(-3, 5, [1000], { seed: 3 });
    expect(r.dtype).toBe('int32');
    const rv = await nums(r);
    expect(Math.min(...rv)).toBe(-3);
    expect(Math.max(...rv)).toBe(4);
    expect(rv.every((v) => Number.isInteger(v))).toBe(true);
  });

  ctx.test('creation/requiresGrad-option', () => {
    expect(tc.tensor([1, 2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(tc.zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(tc.tensor([1, 2]).requiresGrad).toBe(false);
  });
}

export function defineTensorApi(ctx: Ctx): void {
  ctx.test('api/read-methods', async () => {
    const t = tc.tensor([[1, 2], [3, 4]]);
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4]);
    expect(await t.array()).toEqual([[1, 2], [3, 4]]);
    expect(typeof t.toString()).toBe('string');
    expect(t.toString().length).toBeGreaterThan(0);
    const readSync = (tc.getBackend().storage as { readSync?: unknown }).readSync;
    if (readSync) {
      expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4]);
      expect(t.arraySync()).toEqual([[1, 2], [3, 4]]);
      expect(tc.tensor([5.5]).item()).toBe(5.5);
    }
  });

  ctx.test('api/data-of-view-is-contiguous-copy', async () => {
    const t = tc.tensor([[1, 2, 3], [4, 5, 6]]);
    const v = tc.transpose(t, 0, 1);
    const d = await v.data();
    expect(Array.from(d)).toEqual([1, 4, 2, 5, 3, 6]);
    d[0] = 99; // a fresh copy: writing to it changes nothing
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await tc.slice(t, 1, 0, 3, 2).array()).toEqual([[1, 3], [4, 6]]);
  });

  ctx.test('api/data-is-an-owned-copy', async () => {
    // core hands storage.read's bytes straight to the user, so backends must return copies
    const t = tc.tensor([[1, 2, 3], [4, 5, 6]]);
    const d = await t.data();
    d[0] = 99; d[5] = -1;
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4, 5, 6]);
    if ((tc.getBackend().storage as { readSync?: unknown }).readSync) {
      const s = t.dataSync();
      s.fill(7);
      expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    }
    const u = tc.mul(t, 2); // written by a kernel, then read
    (await u.data()).fill(0);
    expect(Array.from(await u.data())).toEqual([2, 4, 6, 8, 10, 12]);
  });

  ctx.test('api/clone-detach-contiguous', async () => {
    const t = tc.tensor([1, 2, 3]);
    const c = m(t).clone();
    const d = m(t).detach();
    expect(await nums(d)).toEqual([1, 2, 3]);
    t.dispose();
    expect(c.isDisposed).toBe(false);
    expect(await nums(c)).toEqual([1, 2, 3]);
    const sq = tc.tensor([[1, 2], [3, 4]]);
    const mc = m(tc.transpose(sq, 0, 1)).contiguous();
    expect(mc.isContiguous()).toBe(true);
    expect(await nums(mc)).toEqual([1, 3, 2, 4]);
  });

  ctx.test('api/to-dtype', async () => {
    const t = tc.tensor([-2.7, 0, 1.5, 300.25]);
    const i = m(t).to('int32');
    expect(i.dtype).toBe('int32');
    expect(await nums(i)).toEqual([-2, 0, 1, 300]);
    expect(await nums(m(t).to('int8'))).toEqual([-2, 0, 1, 44]);
    expect(await nums(m(t).to('bool'))).toEqual([1, 0, 1, 1]);
    const h = m(t).to('float16');
    expect(h.dtype).toBe('float16');
    expect(await nums(h)).toEqual([-2.69921875, 0, 1.5, 300.25]);
    expect(await nums(tc.cast(t, 'bfloat16'))).toEqual([-2.703125, 0, 1.5, 300]);
  });

  ctx.test('api/tensor-methods', async () => {
    const a = tc.tensor([[1, 2], [3, 4]]);
    const b = tc.tensor([[0.5, -1], [2, 0.25]]);
    expect(await nums(m(a).add(b))).toEqual([1.5, 1, 5, 4.25]);
    expect(await nums(m(a).sub(b))).toEqual([0.5, 3, 1, 3.75]);
    expect(await nums(m(a).mul(b))).toEqual([0.5, -2, 6, 1]);
    expect(await nums(m(a).div(b))).toEqual([2, -2, 1.5, 16]);
    expect(await nums(m(a).matmul(b))).toEqual([4.5, -0.5, 9.5, -2]);
    expect(await nums(m(a).transpose(0, 1))).toEqual([1, 3, 2, 4]);
    expect(await nums(m(a).reshape([4]))).toEqual([1, 2, 3, 4]);
    expect(await nums(m(a).sum())).toEqual([10]);
    expect(await nums(m(a).mean(1))).toEqual([1.5, 3.5]);
    closeTo(await nums(m(a).exp()), [1, 2, 3, 4].map(Math.exp));
    expect(await nums(m(a).neg())).toEqual([-1, -2, -3, -4]);
  });

  ctx.test('api/numbers-decodes-16-bit', async () => {
    const vals = [1, -2.5, 0.1, 1000, 3.14159];
    const h = tc.tensor(vals, { dtype: 'float16' });
    const b = tc.tensor(vals, { dtype: 'bfloat16' });
    expect(await nums(h)).toEqual(vals.map((v) => f16Value(f16Bits(v))));
    expect(await nums(b)).toEqual(vals.map((v) => bf16Value(bf16Bits(v))));
    expect(await h.array()).toEqual(vals.map((v) => f16Value(f16Bits(v))));
  });
}

/** [value (exact in float32), expected bits]. */
const F16_SPECIAL: [number, number][] = [
  [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [65519.99, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00],
  [1 + 2 ** -11, 0x3c00], // tie -> even (down)
  [1 + 3 * 2 ** -11, 0x3c02], // tie -> even (up)
  [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above the tie
  [2 ** -14, 0x0400], [2 ** -14 - 2 ** -24, 0x03ff], // smallest normal, largest subnormal
  [2 ** -24, 0x0001], [2 ** -25, 0x0000], [3 * 2 ** -25, 0x0002], [5 * 2 ** -25, 0x0002], // subnormal ties to even
  [2 ** -25 + 2 ** -35, 0x0001], [2 ** -26, 0x0000], [-(2 ** -24), 0x8001], [-0, 0x8000], [0, 0x0000],
  [Infinity, 0x7c00], [-Infinity, 0xfc00],
];

const BF16_SPECIAL: [number, number][] = [
  [1, 0x3f80], [-2, 0xc000], [1 + 2 ** -8, 0x3f80], [1 + 3 * 2 ** -8, 0x3f82], [1 + 2 ** -8 + 2 ** -20, 0x3f81],
  [3.4028234663852886e38, 0x7f80], // FLT_MAX rounds up to inf
  [3.3895313892515355e38, 0x7f7f], // largest finite bfloat16
  [2 ** -126, 0x0080], [2 ** -133, 0x0001], [2 ** -134, 0x0000], [3 * 2 ** -134, 0x0002],
  [-0, 0x8000], [Infinity, 0x7f80], [-Infinity, 0xff80],
];

async function bitsOf(vals: number[], dtype: 'float16' | 'bfloat16'): Promise<number[]> {
  const t = tc.tensor(vals, { dtype });
  const d = await t.data();
  expect(d.constructor.name).toBe('Uint16Array');
  return Array.from(d as Uint16Array);
}

const hex = (v: number) => `0x${v.toString(16).padStart(4, '0')}`;

export function defineHalfStorage(ctx: Ctx): void {
  for (const [dtype, table, enc] of [['float16', F16_SPECIAL, f16Bits], ['bfloat16', BF16_SPECIAL, bf16Bits]] as const) {
    ctx.test(`dtype/${dtype}/bits-ties-subnormals-inf`, async () => {
      for (const [v, bits] of table) expect(enc(v), `suite encoder ${v}`).toBe(bits); // the table itself is right
      const got = await bitsOf(table.map(([v]) => v), dtype);
      const bad = table.filter(([, b], i) => got[i] !== b).map(([v, b]) => `${v}: got ${hex(got[table.findIndex(([x]) => Object.is(x, v))]!)} expected ${hex(b)}`);
      expect(bad, bad.join('; ')).toEqual([]);
    });

    ctx.test(`dtype/${dtype}/bits-nan`, async () => {
      const [b] = await bitsOf([NaN], dtype);
      const expMask = dtype === 'float16' ? 0x7c00 : 0x7f80;
      const manMask = dtype === 'float16' ? 0x03ff : 0x007f;
      expect((b! & expMask) === expMask && (b! & manMask) !== 0, `NaN stored as ${hex(b!)}`).toBe(true);
      expect(Number.isNaN((await tc.tensor([NaN], { dtype }).numbers())[0])).toBe(true);
    });

    ctx.test(`dtype/${dtype}/bits-random`, async () => {
      const rng = new Rng(`bits-${dtype}`);
      const lo = dtype === 'float16' ? -27 : -135, hi = dtype === 'float16' ? 17 : 128;
      const vals = Array.from({ length: 4000 }, () => Math.fround((rng.bool() ? -1 : 1) * 2 ** rng.uniform(lo, hi)));
      const got = await bitsOf(vals, dtype);
      const bad: string[] = [];
      vals.forEach((v, i) => { if (got[i] !== enc(v) && bad.length < 5) bad.push(`${v}: got ${hex(got[i]!)} expected ${hex(enc(v))}`); });
      expect(bad, bad.join('; ')).toEqual([]);
    });
  }
  ctx.test('dtype/float32/storage-exact', async () => {
    const vals = [Math.fround(0.1), -3.4028234663852886e38, 1.401298464324817e-45, -0];
    const got = Array.from(await tc.tensor(vals).data());
    expect(got.map((v) => Object.is(v, -0) ? '-0' : v)).toEqual(vals.map((v) => Object.is(v, -0) ? '-0' : v));
  });
  void isFloatDType;
}
