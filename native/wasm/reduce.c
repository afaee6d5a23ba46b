/* Row reductions of a contiguous [outer, n] input: sum, max, min (NaN propagates), argmax (first). */
#include "common.h"

enum { SUM = TS_REDUCE_SUM, MAX = TS_REDUCE_MAX, MIN = TS_REDUCE_MIN, ARGMAX = TS_REDUCE_ARGMAX };

static f32 sum_f32(const f32 *x, int n) {
  v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = wasm_f32x4_add(a0, wasm_v128_load(x + i));
    a1 = wasm_f32x4_add(a1, wasm_v128_load(x + i + 4));
    a2 = wasm_f32x4_add(a2, wasm_v128_load(x + i + 8));
    a3 = wasm_f32x4_add(a3, wasm_v128_load(x + i + 12));
  }
  f32 s = hsum4(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3)));
  for (; i < n; i++) s += x[i];
  return s;
}

static f32 max_f32(const f32 *x, int n, int want_min) {
  v128_t m = wasm_f32x4_splat(want_min ? INF_F : -INF_F);
  int i = 0;
  for (; i + 4 <= n; i += 4) { /* wasm max/min propagate NaN */
    v128_t v = wasm_v128_load(x + i);
    m = want_min ? wasm_f32x4_min(m, v) : wasm_f32x4_max(m, v);
  }
  f32 r = want_min ? INF_F : -INF_F;
  f32 l[4] = { wasm_f32x4_extract_lane(m, 0), wasm_f32x4_extract_lane(m, 1), wasm_f32x4_extract_lane(m, 2), wasm_f32x4_extract_lane(m, 3) };
  for (int j = 0; j < 4; j++) { f32 v = l[j]; if (v != v) return v; r = want_min ? (v < r ? v : r) : (v > r ? v : r); }
  for (; i < n; i++) { f32 v = x[i]; if (v != v) return v; r = want_min ? (v < r ? v : r) : (v > r ? v : r); }
  return r;
}

EXPORT(reduce_rows) void reduce_rows(int op, int isint, const void *x, void *y, int n, int start, int end) {
  for (int r = start; r < end; r++) {
    if (isint) {
      const i32 *xs = (const i32 *)x + (long)r * n;
      if (op == SUM) { u32 s = 0; for (int i = 0; i < n; i++) s += (u32)xs[i]; ((i32 *)y)[r] = (i32)s; }
      else if (op == ARGMAX) { int b = 0; for (int i = 1; i < n; i++) if (xs[i] > xs[b]) b = i; ((i32 *)y)[r] = b; }
      else {
        i32 m = n ? xs[0] : 0;
        for (int i = 1; i < n; i++) m = op == MIN ? (xs[i] < m ? xs[i] : m) : (xs[i] > m ? xs[i] : m);
        ((i32 *)y)[r] = m;
      }
    } else {
      const f32 *xs = (const f32 *)x + (long)r * n;
      if (op == SUM) ((f32 *)y)[r] = sum_f32(xs, n);
      else if (op == ARGMAX) {
        int b = 0; f32 m = n ? xs[0] : 0;
        for (int i = 1; i < n && m == m; i++) if (xs[i] > m || xs[i] != xs[i]) { m = xs[i]; b = i; }
        ((i32 *)y)[r] = b;
      } else ((f32 *)y)[r] = max_f32(xs, n, op == MIN);
    }
  }
}
