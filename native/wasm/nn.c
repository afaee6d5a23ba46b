/* Fused kernels over rows of contiguous inputs; each takes a [start, end) range so threads can split it. */
#include "common.h"

static f32 row_max(const f32 *x, int n) {
  v128_t m = wasm_f32x4_splat(-INF_F);
  int i = 0;
  for (; i + 4 <= n; i += 4) m = wasm_f32x4_pmax(m, wasm_v128_load(x + i));
  f32 r = hmax4(m);
  for (; i < n; i++) r = x[i] > r ? x[i] : r;
  return r;
}

/* y = exp(x - m), returns the sum */
static f32 exp_shift(const f32 *x, f32 *y, int n, f32 m) {
  v128_t vm = wasm_f32x4_splat(m), s = wasm_f32x4_splat(0);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t e = exp4(wasm_f32x4_sub(wasm_v128_load(x + i), vm));
    if (y) wasm_v128_store(y + i, e);
    s = wasm_f32x4_add(s, e);
  }
  f32 r = hsum4(s);
  for (; i < n; i++) {
    f32 e = wasm_f32x4_extract_lane(exp4(wasm_f32x4_splat(x[i] - m)), 0);
    if (y) y[i] = e;
    r += e;
  }
  return r;
}

static void scale_add(f32 *y, const f32 *x, int n, f32 a, f32 b) { /* y = x * a + b */
  v128_t va = wasm_f32x4_splat(a), vb = wasm_f32x4_splat(b);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, FMA(wasm_v128_load(x + i), va, vb));
  for (; i < n; i++) y[i] = x[i] * a + b;
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
    else scale_add(ys, ys, n, 1.0f / s, 0.0f);
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

/* Attention, one query row at a time: scores in `scratch` (tk floats per thread), softmax, then P V.
   Strides are in elements (q/k/v/mask may be views; mask may broadcast with stride 0). */
EXPORT(attention) void attention(const f32 *q, const f32 *k, const f32 *v, const f32 *mask, f32 *o,
    int tq, int tk, int d, int dv, const i32 *st, f32 scale, int causal, u8 *scratch_base, int scratch_stride,
    int start, int end, int tid) {
  f32 *scratch = (f32 *)(scratch_base + (long)tid * scratch_stride);
  /* st: q (b, t, d), k (b, t, d), v (b, t, d), mask (b, q, k) */
  for (int row = start; row < end; row++) {
    int b = row / tq, i = row % tq;
    const f32 *qr = q + (long)b * st[0] + (long)i * st[1];
    f32 *orow = o + (long)row * dv;
    int last = causal ? i + (tk - tq) : tk - 1; /* bottom-right aligned */
    if (last > tk - 1) last = tk - 1;
    f32 mx = -INF_F;
    for (int j = 0; j <= last; j++) {
      const f32 *kr = k + (long)b * st[3] + (long)j * st[4];
      f32 s;
      if (st[2] == 1 && st[5] == 1) {
        v128_t a = wasm_f32x4_splat(0);
        int e = 0;
        for (; e + 4 <= d; e += 4) a = FMA(wasm_v128_load(qr + e), wasm_v128_load(kr + e), a);
        s = hsum4(a);
        for (; e < d; e++) s += qr[e] * kr[e];
      } else {
        s = 0;
        for (int e = 0; e < d; e++) s += qr[(long)e * st[2]] * kr[(long)e * st[5]];
      }
      s *= scale;
      if (mask) s += mask[(long)b * st[9] + (long)i * st[10] + (long)j * st[11]];
      scratch[j] = s;
      if (s > mx) mx = s;
    }
    for (int e = 0; e < dv; e++) orow[e] = 0;
    if (mx == -INF_F || last < 0) continue; /* fully masked row -> 0 */
    f32 sum = exp_shift(scratch, scratch, last + 1, mx);
    f32 inv = 1.0f / sum;
    for (int j = 0; j <= last; j++) {
      f32 pj = scratch[j] * inv;
      if (pj == 0) continue;
      const f32 *vr = v + (long)b * st[6] + (long)j * st[7];
      if (st[8] == 1) {
        v128_t vp = wasm_f32x4_splat(pj);
        int e = 0;
        for (; e + 4 <= dv; e += 4) wasm_v128_store(orow + e, FMA(vp, wasm_v128_load(vr + e), wasm_v128_load(orow + e)));
        for (; e < dv; e++) orow[e] += pj * vr[e];
      } else {
        for (int e = 0; e < dv; e++) orow[e] += pj * vr[(long)e * st[8]];
      }
    }
  }
}
