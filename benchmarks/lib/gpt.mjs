// The nanoGPT "baby GPT" of issue #12 (nanoGPT's CPU example: 4 layers, 4 heads, 128 wide, block 64,
// batch 12, Shakespeare-char vocab 65, no biases, no dropout, wte tied to the LM head), its seeded
// parameters, and a float64 forward pass that gives the loss every impl's first step must reproduce.
import { uniform, rng, erf } from './data.mjs';

/** Parameter names and shapes, in the order every impl receives them. */
export function gptParams({ layers, dim, vocab, block }) {
  const list = [['wte', [vocab, dim]], ['wpe', [block, dim]]];
  for (let l = 0; l < layers; l++) {
    list.push([`h${l}.ln1`, [dim]], [`h${l}.attn`, [dim, 3 * dim]], [`h${l}.proj`, [dim, dim]],
      [`h${l}.ln2`, [dim]], [`h${l}.fc`, [dim, 4 * dim]], [`h${l}.fcproj`, [4 * dim, dim]]);
  }
  list.push(['lnf', [dim]]);
  return list;
}

/** Seeded inputs: norms' weights 1 + noise, matrices U(±√(3/fanIn)) (std 1/√fanIn), token ids. */
export function gptInputs(p, seed) {
  const params = gptParams(p).map(([name, shape], i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (shape.length === 1) return uniform(n, seed + i, 0.9, 1.1);
    const a = name === 'wte' || name === 'wpe' ? 0.05 : Math.sqrt(3 / shape[0]);
    return uniform(n, seed + i, -a, a);
  });
  const r = rng(seed + 999);
  const ids = (n) => Int32Array.from({ length: n }, () => Math.floor(r() * p.vocab));
  return { params, x: ids(p.batch * p.block), y: ids(p.batch * p.block) };
}

/** Float64 forward pass: the mean cross-entropy of the next-token targets. */
export function gptLoss64(p, { params, x, y }) {
  const { layers, heads, dim: C, vocab: V, block: T, batch: B } = p;
  const P = params.map((a) => Float64Array.from(a));
  const N = B * T, hd = C / heads;
  const mm = (a, rows, k, w, n) => { // [rows, k] x [k, n]
    const o = new Float64Array(rows * n);
    for (let i = 0; i < rows; i++) for (let q = 0; q < k; q++) {
      const v = a[i * k + q];
      for (let j = 0; j < n; j++) o[i * n + j] += v * w[q * n + j];
    }
    return o;
  };
  const ln = (h, w) => {
    const o = new Float64Array(N * C);
    for (let i = 0; i < N; i++) {
      let m = 0, s = 0;
      for (let c = 0; c < C; c++) m += h[i * C + c];
      m /= C;
      for (let c = 0; c < C; c++) s += (h[i * C + c] - m) ** 2;
      const r = 1 / Math.sqrt(s / C + 1e-5);
      for (let c = 0; c < C; c++) o[i * C + c] = (h[i * C + c] - m) * r * w[c];
    }
    return o;
  };
  let h = new Float64Array(N * C);
  for (let i = 0; i < N; i++) for (let c = 0; c < C; c++) h[i * C + c] = P[0][x[i] * C + c] + P[1][(i % T) * C + c];
  for (let l = 0; l < layers; l++) {
    const [w1, wa, wp, w2, wf, wf2] = P.slice(2 + 6 * l, 8 + 6 * l);
    const qkv = mm(ln(h, w1), N, C, wa, 3 * C);
    const att = new Float64Array(N * C), s = new Float64Array(T);
    for (let b = 0; b < B; b++) for (let hh = 0; hh < heads; hh++) for (let i = 0; i < T; i++) {
      const qi = (b * T + i) * 3 * C + hh * hd;
      let mx = -Infinity;
      for (let j = 0; j <= i; j++) {
        const kj = (b * T + j) * 3 * C + C + hh * hd;
        let d = 0;
        for (let e = 0; e < hd; e++) d += qkv[qi + e] * qkv[kj + e];
        s[j] = d / Math.sqrt(hd);
        mx = Math.max(mx, s[j]);
      }
      let z = 0;
      for (let j = 0; j <= i; j++) z += s[j] = Math.exp(s[j] - mx);
      for (let j = 0; j <= i; j++) {
        const vj = (b * T + j) * 3 * C + 2 * C + hh * hd;
        for (let e = 0; e < hd; e++) att[(b * T + i) * C + hh * hd + e] += (s[j] / z) * qkv[vj + e];
      }
    }
    const a = mm(att, N, C, wp, C);
    for (let i = 0; i < N * C; i++) h[i] += a[i];
    const f = mm(ln(h, w2), N, C, wf, 4 * C);
    for (let i = 0; i < f.length; i++) f[i] = 0.5 * f[i] * (1 + erf(f[i] / Math.SQRT2));
    const m = mm(f, N, 4 * C, wf2, C);
    for (let i = 0; i < N * C; i++) h[i] += m[i];
  }
  h = ln(h, P[P.length - 1]);
  let loss = 0;
  const logits = new Float64Array(V);
  for (let i = 0; i < N; i++) {
    let mx = -Infinity;
    for (let v = 0; v < V; v++) {
      let d = 0;
      for (let c = 0; c < C; c++) d += h[i * C + c] * P[0][v * C + c];
      logits[v] = d;
      mx = Math.max(mx, d);
    }
    let z = 0;
    for (let v = 0; v < V; v++) z += Math.exp(logits[v] - mx);
    loss += Math.log(z) + mx - logits[y[i]];
  }
  return loss / N;
}
