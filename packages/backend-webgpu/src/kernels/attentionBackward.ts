import { defineKernel, type TensorView } from '@tessera/core';
import { gpu } from '../util/elementwise.js';
import { rowMain, rowThreads, runRows, wgReduce } from '../util/rows.js';
import { UNIFORMS, bindings, f32bits } from '../util/wgsl.js';

/**
 * Gradients of `attention` in two passes, no atomics: a workgroup per query row recomputes the
 * row's probabilities p, gets D = Σ p (dO·V) and writes dq = scale Σ p (dO·V - D) k, leaving
 * (max, 1 / sum, D) per row; then a workgroup per key row recomputes its column of p from those
 * and writes dv = Σ p dO and dk = scale Σ p (dO·V - D) q. Rows that see no key get max = -inf
 * and contribute nothing. One scratch buffer: the per-row stats, then two floats per key (or
 * query) of each row in flight; rows go in chunks so that it stays bounded.
 *
 * Uniforms: 0 rows in this dispatch, 1 tq, 2 tk, 3 d, 4 dv, 5 scale, 6 causal, 7 first row,
 * 8 scratch base of the work area; views (offset, 3 strides) q 9, k 13, v 17, dout 21, mask 25;
 * 29, 30 output offsets.
 */

/** Bytes of per-row scratch per dispatch (tests lower it to exercise chunking). */
export const limits = { scratchBytes: 32 * 2 ** 20 };

/** WGSL \`name(b, i, j, n)\`: x_i·y_j over the last axis of two [B, t, n] views. */
const dot = (name: string, x: string, y: string, xv: number, yv: number): string => `fn ${name}(b: u32, i: u32, j: u32, n: u32) -> f32 {
  let xa = rowAt(${xv}u, b, i); let ya = rowAt(${yv}u, b, j); let xs = pi(${xv + 3}u); let ys = pi(${yv + 3}u);
  var s = 0.0;
  for (var e = 0u; e < n; e++) { s += ${x}[u32(xa + i32(e) * xs)] * ${y}[u32(ya + i32(e) * ys)]; }
  return s;
}
`;

const common = (mask: boolean, outs: string[], wg: number): string => `${UNIFORMS}${bindings(
  [['Q', 'f32'], ['K', 'f32'], ['V', 'f32'], ...(mask ? [['Mk', 'f32']] : []), ['G', 'f32']] as [string, 'f32'][],
  [...outs, 'S'].map((n) => [n, 'f32']))}${wgReduce(wg)}
// Views' offset and strides are at uniform v: base of (b, i) and of (b, ·, e), then steps along the other axis.
fn rowAt(v: u32, b: u32, i: u32) -> i32 { return pi(v) + i32(b) * pi(v + 1u) + i32(i) * pi(v + 2u); }
fn colAt(v: u32, b: u32, e: u32) -> i32 { return pi(v) + i32(b) * pi(v + 1u) + i32(e) * pi(v + 3u); }
${dot('qk', 'Q', 'K', 9, 13)}${dot('gv', 'G', 'V', 21, 17)}
// scale q_i·k_j + mask: the score of query i, key j in batch b.
fn score(b: u32, i: u32, j: u32, d: u32) -> f32 { return qk(b, i, j, d) * pf(5u)${mask ? ' + Mk[u32(rowAt(25u, b, i) + i32(j) * pi(28u))]' : ''}; }
${rowMain(wg)}
  let tq = pu(1u); let tk = pu(2u); let d = pu(3u); let dv = pu(4u); let sc = pf(5u);`;

const queryPass = (mask: boolean, wg: number): string => `${common(mask, ['DQ'], wg)}
  let r = pu(7u) + row; let b = r / tq; let i = r % tq;
  var seen = tk;
  if (pu(6u) == 1u) { seen = min(tk, i + tk - tq + 1u); if (i + tk < tq) { seen = 0u; } }
  let sb = pu(8u) + row * tk * 2u; let qo = pu(29u) + r * d;
  let ninf = ninf_();
  var m = ninf;
  for (var j = t; j < seen; j += WG) { let z = score(b, i, j, d); S[sb + 2u * j] = z; m = max(m, z); }
  m = wg_max(m, t);
  if (m == ninf) {
    for (var e = t; e < d; e += WG) { DQ[qo + e] = 0.0; }
    if (t == 0u) { S[3u * r] = m; }
    return;
  }
  var sum = 0.0;
  for (var j = t; j < seen; j += WG) { let p = exp(S[sb + 2u * j] - m); S[sb + 2u * j] = p; sum += p; }
  let inv = 1.0 / wg_sum(sum, t);
  var dd = 0.0;
  for (var j = t; j < seen; j += WG) {
    let p = S[sb + 2u * j] * inv; let dp = gv(b, i, j, dv);
    S[sb + 2u * j] = p; S[sb + 2u * j + 1u] = dp; dd += p * dp;
  }
  dd = wg_sum(dd, t);
  for (var j = t; j < seen; j += WG) { S[sb + 2u * j] = S[sb + 2u * j] * (S[sb + 2u * j + 1u] - dd) * sc; }
  if (t == 0u) { S[3u * r] = m; S[3u * r + 1u] = inv; S[3u * r + 2u] = dd; }
  storageBarrier();
  for (var e = t; e < d; e += WG) {
    var acc = 0.0;
    let ka = colAt(13u, b, e); let ks = pi(15u);
    for (var j = 0u; j < seen; j++) { acc += S[sb + 2u * j] * K[u32(ka + i32(j) * ks)]; }
    DQ[qo + e] = acc;
  }
}`;

const keyPass = (mask: boolean, wg: number): string => `${common(mask, ['DK', 'DV'], wg)}
  let r = pu(7u) + row; let b = r / tk; let j = r % tk;
  var lo = 0u; // the first query that sees key j
  if (pu(6u) == 1u && j + tq > tk) { lo = j + tq - tk; }
  let sb = pu(8u) + row * tq * 2u;
  let ninf = ninf_();
  for (var i = lo + t; i < tq; i += WG) {
    let st = 3u * (b * tq + i); let m = S[st];
    var p = 0.0; var ds = 0.0;
    if (m != ninf) {
      p = exp(score(b, i, j, d) - m) * S[st + 1u];
      ds = p * (gv(b, i, j, dv) - S[st + 2u]) * sc;
    }
    S[sb + 2u * i] = p; S[sb + 2u * i + 1u] = ds;
  }
  storageBarrier();
  for (var e = t; e < dv; e += WG) {
    var acc = 0.0;
    let ga = colAt(21u, b, e); let gs = pi(23u);
    for (var i = lo; i < tq; i++) { acc += S[sb + 2u * i] * G[u32(ga + i32(i) * gs)]; }
    DV[pu(30u) + r * dv + e] = acc;
  }
  for (var e = t; e < d; e += WG) {
    var acc = 0.0;
    let qa = colAt(9u, b, e); let qs = pi(11u);
    for (var i = lo; i < tq; i++) { acc += S[sb + 2u * i + 1u] * Q[u32(qa + i32(i) * qs)]; }
    DK[pu(29u) + r * d + e] = acc;
  }
}`;

const CODES = new Map<string, string>();
const cached = (key: string, make: () => string): string => {
  if (!CODES.has(key)) CODES.set(key, make());
  return CODES.get(key)!;
};

export default defineKernel('attentionBackward', {
  dtypes: ['float32'],
  run: ({ backend, inputs, outputs: [dq, dk, dv], attrs: { scale, causal, hasMask } }) => {
    const [q, k, v] = inputs as [TensorView, TensorView, TensorView];
    const mask = hasMask ? inputs[3] : undefined, g = inputs[hasMask ? 4 : 3]!;
    const [B, tq, d] = q.shape as [number, number, number];
    const tk = k.shape[1]!, nv = v.shape[2]!;
    const statsN = 3 * B * tq;
    // Rows per dispatch: their two floats per key (query) must fit next to the stats.
    const chunk = (len: number) => Math.max(1, Math.floor(limits.scratchBytes / 4 / Math.max(1, 2 * len)));
    const c1 = Math.min(B * tq, chunk(tk)), c2 = Math.min(B * tk, chunk(tq));
    const rt = backend.runtime;
    const scratch = rt.alloc(4 * Math.max(1, statsN + Math.max(c1 * 2 * tk, c2 * 2 * tq)));
    const u = new Array<number>(30).fill(0);
    [tq, tk, d, nv, f32bits(scale), causal ? 1 : 0, 0, statsN].forEach((x, i) => (u[i] = x));
    const put = (at: number, t: TensorView) => { u[at] = t.offset; t.strides.forEach((s, i) => (u[at + 1 + i] = s >>> 0)); };
    put(8, q); put(12, k); put(16, v); put(20, g);
    if (mask) put(24, mask);
    const ins = [q, k, v, ...(mask ? [mask] : []), g].map(gpu);
    const pass = (code: string, rows: number, per: number, outs: TensorView[], offs: number[]) => {
      offs.forEach((o, i) => (u[28 + i] = o));
      for (let r0 = 0; r0 < rows; r0 += per) {
        u[6] = r0;
        runRows(backend, code, Math.min(per, rows - r0), ins, [...outs.map(gpu), scratch], u);
      }
    };
    const w1 = rowThreads(tk), w2 = rowThreads(tq);
    pass(cached(`q${+!!mask}${w1}`, () => queryPass(!!mask, w1)), B * tq, c1, [dq!], [dq!.offset]);
    pass(cached(`k${+!!mask}${w2}`, () => keyPass(!!mask, w2)), B * tk, c2, [dk!, dv!], [dk!.offset, dv!.offset]);
    rt.free(scratch);
  },
});
