/**
 * Philox4x32-10 (Salmon et al., SC'11; Random123), written for this suite, and the streams that
 * backend.ts specifies for the `random` op (uniform / randint / normal).
 */

/** 32x32 -> 64-bit product as [hi, lo] using 16-bit limbs (exact in float64). */
function mulhilo(a: number, b: number): [number, number] {
  const lo = Math.imul(a, b) >>> 0;
  const aH = a >>> 16, aL = a & 0xffff, bH = b >>> 16, bL = b & 0xffff;
  const ll = aL * bL, lh = aL * bH, hl = aH * bL, hh = aH * bH;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  const hi = (hh + Math.floor(lh / 65536) + Math.floor(hl / 65536) + Math.floor(mid / 65536)) >>> 0;
  return [hi, lo];
}

export type Words4 = [number, number, number, number];

export function philox4x32_10(counter: readonly number[], key: readonly number[]): Words4 {
  let c0 = counter[0]! >>> 0, c1 = counter[1]! >>> 0, c2 = counter[2]! >>> 0, c3 = counter[3]! >>> 0;
  let k0 = key[0]! >>> 0, k1 = key[1]! >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + 0x9e3779b9) >>> 0;
      k1 = (k1 + 0xbb67ae85) >>> 0;
    }
    const [hi0, lo0] = mulhilo(0xd2511f53, c0);
    const [hi1, lo1] = mulhilo(0xcd9e8d57, c2);
    const n0 = (hi1 ^ c1 ^ k0) >>> 0, n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
  }
  return [c0, c1, c2, c3];
}

export const seedKey = (seed: number): [number, number] => [seed % 2 ** 32 >>> 0, Math.floor(seed / 2 ** 32) % 2 ** 32 >>> 0];

/** Word j of the "uniform / bits / randint" layout: word (j % 4) of block (floor(j/4), offset, 0, 0). */
export function philoxWords(seed: number, offset: number, n: number): Uint32Array {
  const key = seedKey(seed);
  const out = new Uint32Array(n);
  for (let b = 0; b * 4 < n; b++) {
    const w = philox4x32_10([b, offset, 0, 0], key);
    for (let k = 0; k < 4 && b * 4 + k < n; k++) out[b * 4 + k] = w[k]!;
  }
  return out;
}

export const uniformStream = (seed: number, offset: number, n: number): Float64Array =>
  Float64Array.from(philoxWords(seed, offset, n), (w) => (w >>> 8) * 2 ** -24);

export const randintStream = (seed: number, offset: number, n: number, low: number, high: number): Float64Array =>
  Float64Array.from(philoxWords(seed, offset, n), (w) => low + (w % (high - low)));

/** Box-Muller on words 0 and 1 of block (j, offset, 0, 0), evaluated in float64. */
export function normalStream(seed: number, offset: number, n: number): { values: Float64Array; radius: Float64Array } {
  const key = seedKey(seed);
  const values = new Float64Array(n), radius = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const [w0, w1] = philox4x32_10([j, offset, 0, 0], key);
    const u1 = ((w0 >>> 8) + 1) * 2 ** -24, u2 = (w1 >>> 8) * 2 ** -24;
    radius[j] = Math.sqrt(-2 * Math.log(u1));
    values[j] = radius[j]! * Math.cos(2 * Math.PI * u2);
  }
  return { values, radius };
}
