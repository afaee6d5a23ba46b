/* Fused kernels over rows of contiguous inputs; each takes a [start, end) range so threads can split it. */
#include "common.h"

/* Four accumulators per loop: the max / sum chains would otherwise bound the speed. */
static f32 row_max(const f32 *x, int n) {
  v128_t m0 = wasm_f32x4_splat(-INF_F), m1 = m0, m2 = m0, m3 = m0;
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    m0 = wasm_f32x4_pmax(m0, wasm_v128_load(x + i));
    m1 = wasm_f32x4_pmax(m1, wasm_v128_load(x + i + 4));
    m2 = wasm_f32x4_pmax(m2, wasm_v128_load(x + i + 8));
    m3 = wasm_f32x4_pmax(m3, wasm_v128_load(x + i + 12));
  }
  for (; i + 4 <= n; i += 4) m0 = wasm_f32x4_pmax(m0, wasm_v128_load(x + i));
  f32 r = hmax4(wasm_f32x4_pmax(wasm_f32x4_pmax(m0, m1), wasm_f32x4_pmax(m2, m3)));
  for (; i < n; i++) r = x[i] > r ? x[i] : r;
  return r;
}

/* y = exp(x - m) (y may be 0: sum only), returns the sum; m >= every x. */
static f32 exp_shift(const f32 *x, f32 *y, int n, f32 m) {
  v128_t vm = wasm_f32x4_splat(m), s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
  int i = 0;
#define EXP_AT(k, s) { v128_t e = exp4_neg(wasm_f32x4_sub(wasm_v128_load(x + i + k), vm)); if (y) wasm_v128_store(y + i + k, e); s = wasm_f32x4_add(s, e); }
  for (; i + 16 <= n; i += 16) { EXP_AT(0, s0) EXP_AT(4, s1) EXP_AT(8, s2) EXP_AT(12, s3) }
  for (; i + 4 <= n; i += 4) EXP_AT(0, s0)
#undef EXP_AT
  f32 r = hsum4(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)));
  for (; i < n; i++) {
    f32 e = wasm_f32x4_extract_lane(exp4_neg(wasm_f32x4_splat(x[i] - m)), 0);
    if (y) y[i] = e;
    r += e;
  }
  return r;
}

static void scale_rows(f32 *y, int n, f32 a) { /* y *= a */
  v128_t va = wasm_f32x4_splat(a);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    wasm_v128_store(y + i, wasm_f32x4_mul(wasm_v128_load(y + i), va));
    wasm_v128_store(y + i + 4, wasm_f32x4_mul(wasm_v128_load(y + i + 4), va));
  }
  for (; i < n; i++) y[i] *= a;
}

EXPORT(softmax_rows) void softmax_rows(const f32 *x, f32 *y, int n, int log, int start, int end) {
  for (long r = start; r < end; r++) {
    const f32 *xs = x + r * n; f32 *ys = y + r * n;
    f32 m = row_max(xs, n);
    if (m == -INF_F) m = 0; /* an all -inf row gives 0/0 = NaN (softmax) or -inf - log 0 (log-softmax), like torch */
    f32 s = exp_shift(xs, log ? 0 : ys, n, m);
    if (log) { /* (x - m) - log s: keeps large logits exact */
      f32 ls = (f32)log_d(s);
      v128_t vm = wasm_f32x4_splat(m), vl = wasm_f32x4_splat(ls);
      int i = 0;
      for (; i + 4 <= n; i += 4) wasm_v128_store(ys + i, wasm_f32x4_sub(wasm_f32x4_sub(wasm_v128_load(xs + i), vm), vl));
      for (; i < n; i++) ys[i] = (xs[i] - m) - ls;
    }
    else scale_rows(ys, n, 1.0f / s);
  }
}

EXPORT(layernorm_rows) void layernorm_rows(const f32 *x, const f32 *w, const f32 *b, f32 *y, int n, f32 eps, int rms, int start, int end) {
  for (long r = start; r < end; r++) {
    const f32 *xs = x + r * n; f32 *ys = y + r * n;
    v128_t s = wasm_f32x4_splat(0);
    int i = 0;
    f32 mean = 0;
    if (!rms) {
      for (; i + 4 <= n; i += 4) s = wasm_f32x4_add(s, wasm_v128_load(xs + i));
      f32 t = hsum4(s);
      for (; i < n; i++) t += xs[i];
      mean = t / n;
    }
    v128_t vm = wasm_f32x4_splat(mean);
    s = wasm_f32x4_splat(0);
    for (i = 0; i + 4 <= n; i += 4) { v128_t d = wasm_f32x4_sub(wasm_v128_load(xs + i), vm); s = FMA(d, d, s); }
    f32 q = hsum4(s);
    for (; i < n; i++) { f32 d = xs[i] - mean; q += d * d; }
    f32 rstd = (f32)(1.0 / __builtin_sqrt((f64)q / n + eps));
    v128_t vr = wasm_f32x4_splat(rstd);
    for (i = 0; i + 4 <= n; i += 4) {
      v128_t v = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xs + i), vm), vr);
      if (w) v = wasm_f32x4_mul(v, wasm_v128_load(w + i));
      if (b) v = wasm_f32x4_add(v, wasm_v128_load(b + i));
      wasm_v128_store(ys + i, v);
    }
    for (; i < n; i++) {
      f32 v = (xs[i] - mean) * rstd;
      if (w) v *= w[i];
      if (b) v += b[i];
      ys[i] = v;
    }
  }
}

EXPORT(gelu) void gelu(const f32 *x, f32 *y, int tanh_approx, int start, int end) {
  const v128_t half = wasm_f32x4_splat(0.5f), one = wasm_f32x4_splat(1.0f);
  int i = start;
  for (; i + 4 <= end; i += 4) {
    v128_t v = wasm_v128_load(x + i), t;
    if (tanh_approx) {
      v128_t u = wasm_f32x4_mul(wasm_f32x4_splat(0.7978845608028654f), FMA(wasm_f32x4_mul(v, v), wasm_f32x4_mul(v, wasm_f32x4_splat(0.044715f)), v));
      v128_t e = exp4(wasm_f32x4_add(u, u)); /* tanh u = 1 - 2 / (e^2u + 1) */
      t = wasm_f32x4_sub(one, wasm_f32x4_div(wasm_f32x4_splat(2.0f), wasm_f32x4_add(e, one)));
      t = wasm_v128_bitselect(one, t, wasm_f32x4_gt(u, wasm_f32x4_splat(44.0f)));
    } else {
      t = erf4(wasm_f32x4_mul(v, wasm_f32x4_splat(0.7071067811865476f)));
    }
    wasm_v128_store(y + i, wasm_f32x4_mul(wasm_f32x4_mul(half, v), wasm_f32x4_add(one, t)));
  }
  for (; i < end; i++) {
    f64 v = x[i];
    f64 t = tanh_approx ? tanh_d(0.7978845608028654 * (v + 0.044715 * v * v * v)) : erf_d(v * 0.7071067811865476);
    y[i] = (f32)(0.5 * v * (1 + t));
  }
}

EXPORT(cross_entropy) void cross_entropy(const f32 *x, const i32 *target, f32 *loss, int c, int ignore, f32 smooth, int start, int end) {
  for (long r = start; r < end; r++) {
    const f32 *xs = x + r * c;
    int t = target[r];
    if (t == ignore || t < 0 || t >= c) { loss[r] = 0; continue; }
    f32 m = row_max(xs, c);
    f64 lse = m + log_d(exp_shift(xs, 0, c, m));
    f64 sumx = 0;
    if (smooth != 0) for (int i = 0; i < c; i++) sumx += xs[i];
    f64 lpt = xs[t] - lse, slp = sumx - (f64)c * lse;
    loss[r] = (f32)(-(1 - (f64)smooth) * lpt - ((f64)smooth / c) * slp);
  }
}

EXPORT(adamw) void adamw(const f32 *p, const f32 *g, const f32 *m, const f32 *v, f32 *po, f32 *mo, f32 *vo,
                          f32 lr, f32 b1, f32 b2, f32 eps, f32 wd, f32 bc1, f32 bc2, int start, int end) {
  for (int i = start; i < end; i++) {
    f32 gi = g[i];
    f32 mi = b1 * m[i] + (1 - b1) * gi;
    f32 vi = b2 * v[i] + (1 - b2) * gi * gi;
    mo[i] = mi; vo[i] = vi;
    po[i] = p[i] - lr * (wd * p[i] + (mi / bc1) / (__builtin_sqrtf(vi / bc2) + eps));
  }
}

/* dot product of two strided f32 vectors; SIMD when both are contiguous */
static f32 dot_s(const f32 *a, long sa, const f32 *b, long sb, int n) {
  f32 s = 0;
  int e = 0;
  if (sa == 1 && sb == 1) {
    v128_t acc0 = wasm_f32x4_splat(0), acc1 = acc0;
    for (; e + 8 <= n; e += 8) {
      acc0 = FMA(wasm_v128_load(a + e), wasm_v128_load(b + e), acc0);
      acc1 = FMA(wasm_v128_load(a + e + 4), wasm_v128_load(b + e + 4), acc1);
    }
    for (; e + 4 <= n; e += 4) acc0 = FMA(wasm_v128_load(a + e), wasm_v128_load(b + e), acc0);
    s = hsum4(wasm_f32x4_add(acc0, acc1));
  }
  for (; e < n; e++) s += a[e * sa] * b[e * sb];
  return s;
}

/* y (contiguous) += a x (strided) */
static void axpy_s(f32 *y, f32 a, const f32 *x, long sx, int n) {
  int e = 0;
  if (sx == 1) {
    v128_t va = wasm_f32x4_splat(a);
    for (; e + 4 <= n; e += 4) wasm_v128_store(y + e, FMA(va, wasm_v128_load(x + e), wasm_v128_load(y + e)));
  }
  for (; e < n; e++) y[e] += a * x[e * sx];
}

/* Scores of query row (b, i) against keys 0..last into s[]; returns their max.
   st: q (b, t, d), k (b, t, d), v (b, t, d), mask (b, q, k), dout (b, t, d), in elements. */
static f32 score_row(const f32 *q, const f32 *k, const f32 *mask, const i32 *st, int b, int i, int last, int d, f32 scale, f32 *s) {
  const f32 *qr = q + (long)b * st[0] + (long)i * st[1];
  f32 mx = -INF_F;
  for (int j = 0; j <= last; j++) {
    f32 x = dot_s(qr, st[2], k + (long)b * st[3] + (long)j * st[4], st[5], d) * scale;
    if (mask) x += mask[(long)b * st[9] + (long)i * st[10] + (long)j * st[11]];
    s[j] = x;
    if (x > mx) mx = x;
  }
  return mx;
}

static int last_key(int i, int tq, int tk, int causal) { /* causal: bottom-right aligned */
  int last = causal ? i + (tk - tq) : tk - 1;
  return last > tk - 1 ? tk - 1 : last;
}

/* Attention, one query row at a time: scores in `scratch` (tk floats per thread), softmax, then P V.
   q/k/v/mask may be views (the mask may broadcast with stride 0). */
EXPORT(attention) void attention(const f32 *q, const f32 *k, const f32 *v, const f32 *mask, f32 *o,
    int tq, int tk, int d, int dv, const i32 *st, f32 scale, int causal, u8 *scratch_base, int scratch_stride,
    int start, int end, int tid) {
  f32 *p = (f32 *)(scratch_base + (long)tid * scratch_stride);
  for (int row = start; row < end; row++) {
    int b = row / tq, i = row % tq, last = last_key(i, tq, tk, causal);
    f32 *orow = o + (long)row * dv;
    for (int e = 0; e < dv; e++) orow[e] = 0;
    if (last < 0) continue;
    f32 mx = score_row(q, k, mask, st, b, i, last, d, scale, p);
    if (mx == -INF_F) continue; /* fully masked row -> 0 */
    f32 inv = 1.0f / exp_shift(p, p, last + 1, mx);
    for (int j = 0; j <= last; j++) {
      f32 pj = p[j] * inv;
      if (pj != 0) axpy_s(orow, pj, v + (long)b * st[6] + (long)j * st[7], st[8], dv);
    }
  }
}

/* Gradients of attention for batch entries [start, end) (a thread owns whole entries, so dK / dV
   sums need no locks); each row's probabilities are recomputed: dV += p dO, dS = p (dO.V - D),
   dQ = scale dS K, dK += scale dS q. Scratch: 2 tk floats per thread. */
EXPORT(attention_backward) void attention_backward(const f32 *q, const f32 *k, const f32 *v, const f32 *mask,
    const f32 *g, f32 *dq, f32 *dk, f32 *dv, int tq, int tk, int d, int nv, const i32 *st, f32 scale, int causal,
    u8 *scratch_base, int scratch_stride, int start, int end, int tid) {
  f32 *p = (f32 *)(scratch_base + (long)tid * scratch_stride), *dp = p + tk;
  for (int b = start; b < end; b++) {
    f32 *dkb = dk + (long)b * tk * d, *dvb = dv + (long)b * tk * nv;
    for (long e = 0; e < (long)tk * d; e++) dkb[e] = 0;
    for (long e = 0; e < (long)tk * nv; e++) dvb[e] = 0;
    for (int i = 0; i < tq; i++) {
      int last = last_key(i, tq, tk, causal);
      f32 *dqr = dq + ((long)b * tq + i) * d;
      for (int e = 0; e < d; e++) dqr[e] = 0;
      if (last < 0) continue;
      f32 mx = score_row(q, k, mask, st, b, i, last, d, scale, p);
      if (mx == -INF_F) continue; /* the forward gave this row zeros: no gradient */
      f32 inv = 1.0f / exp_shift(p, p, last + 1, mx);
      const f32 *gr = g + (long)b * st[12] + (long)i * st[13];
      const f32 *qr = q + (long)b * st[0] + (long)i * st[1];
      f32 D = 0;
      for (int j = 0; j <= last; j++) {
        p[j] *= inv;
        const f32 *vj = v + (long)b * st[6] + (long)j * st[7];
        dp[j] = dot_s(gr, st[14], vj, st[8], nv);
        D += p[j] * dp[j];
        if (p[j] != 0) axpy_s(dvb + (long)j * nv, p[j], gr, st[14], nv);
      }
      for (int j = 0; j <= last; j++) {
        f32 s = p[j] * (dp[j] - D) * scale;
        if (s == 0) continue;
        axpy_s(dqr, s, k + (long)b * st[3] + (long)j * st[4], st[5], d);
        axpy_s(dkb + (long)j * d, s, qr, st[2], d);
      }
    }
  }
}
