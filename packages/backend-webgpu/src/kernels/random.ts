import { defineKernel } from '@tessera/core';
import { gpu } from '../util/elementwise.js';
import { LOG, SINCOS } from '../util/math.js';
import { LINEAR_ID, MAIN_256, UNIFORMS, bindings, grid } from '../util/wgsl.js';

/** Philox4x32-10 exactly as the contract specifies (same bits as every backend). */
const PHILOX = /* wgsl */ `
fn mulhi(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
}
fn philox(c0_: u32, c1_: u32, k0_: u32, k1_: u32) -> vec4<u32> {
  var c0 = c0_; var c1 = c1_; var c2 = 0u; var c3 = 0u; var k0 = k0_; var k1 = k1_;
  for (var r = 0; r < 10; r++) {
    if (r > 0) { k0 += 0x9e3779b9u; k1 += 0xbb67ae85u; }
    let hi0 = mulhi(0xd2511f53u, c0); let lo0 = 0xd2511f53u * c0;
    let hi1 = mulhi(0xcd9e8d57u, c2); let lo1 = 0xcd9e8d57u * c2;
    c0 = hi1 ^ c1 ^ k0; c1 = lo1; c2 = hi0 ^ c3 ^ k1; c3 = lo0;
  }
  return vec4<u32>(c0, c1, c2, c3);
}
`;

// Params: 0 n, 1 offset counter, 2-3 key, 4 y offset, 5 dist (0 uniform, 1 bits, 2 randint, 3 normal), 6 low, 7 range (0 = 2^32).
const CODE = `${UNIFORMS}${bindings([], [["Y", "u32"]])}${PHILOX}${SINCOS}${LOG}
${MAIN_256} {
  ${LINEAR_ID}
  let n = pu(0u); let dist = pu(5u); let yo = pu(4u);
  if (dist == 3u) {
    if (gi >= n) { return; }
    let w = philox(gi, pu(1u), pu(2u), pu(3u));
    let u1 = f32((w.x >> 8u) + 1u) * 5.9604644775390625e-8;
    let u2 = f32(w.y >> 8u) * 5.9604644775390625e-8;
    // cos(2π·u2) reduced exactly: 4·u2 is a multiple of 2^-22, so its quadrant and remainder are exact.
    let f = 4.0 * u2; let q = round(f); let rf = f - q;
    let th = rf * 1.5707963705062866; let tl = fma(rf, 1.5707963705062866, -th) + rf * -4.371139000186243e-8;
    let c = sc_hl(th, tl, i32(q), true);
    // sqrt(-2 ln u1) with ln's low bits and one Newton correction: within 2 ulp of the float64 stream.
    let l = log_hl(u1); let h = -2.0 * l.x; let r0 = sqrt(h);
    let rl = select((fma(-r0, r0, h) - 2.0 * l.y) / (2.0 * r0), 0.0, r0 == 0.0);
    let p = r0 * c.x; let pl = fma(r0, c.x, -p) + r0 * c.y + rl * c.x;
    Y[yo + gi] = bitcast<u32>(p + pl);
    return;
  }
  if (gi * 4u >= n) { return; }
  let w = philox(gi, pu(1u), pu(2u), pu(3u));
  for (var q = 0u; q < 4u; q++) {
    let j = gi * 4u + q;
    if (j >= n) { break; }
    let word = w[q];
    var v: u32;
    if (dist == 0u) { v = bitcast<u32>(f32(word >> 8u) * 5.9604644775390625e-8); }
    else if (dist == 1u) { v = word; }
    else { let range = pu(7u); v = pu(6u) + select(word % range, word, range == 0u); }
    Y[yo + j] = v;
  }
}`;

const DIST = { uniform: 0, bits: 1, randint: 2, normal: 3 } as const;
const u32 = (x: number): number => ((x % 4294967296) + 4294967296) % 4294967296;

export default defineKernel('random', {
  run: ({ backend, outputs: [y], attrs: { dist, seed, offset, low = 0, high = 0 } }) => {
    const n = y!.shape.reduce((p, s) => p * s, 1);
    if (n === 0) return;
    const range = high - low;
    // range <= 0 gives low (as the cpu backend); range >= 2^32 takes the word as is (encoded as 0).
    const r = range <= 0 ? 1 : range >= 4294967296 ? 0 : range;
    const u = [n, u32(offset), u32(seed), u32(Math.floor(seed / 4294967296)), y!.offset, DIST[dist], u32(low), r];
    const threads = dist === 'normal' ? n : Math.ceil(n / 4);
    backend.runtime.run({ code: CODE, inputs: [], outputs: [gpu(y!)], uniforms: u, groups: grid(threads) });
  },
});
