/* Shared helpers for Tessera's freestanding wasm kernels (no libc, no libm). */
#pragma once
#include <wasm_simd128.h>
#include <stdint.h>
#include "tessera_codes.h" /* generated from core: dtype / op codes, TS_MAX_DIMS */

#define EXPORT(name) __attribute__((export_name(#name))) 
typedef float f32;
typedef double f64;
typedef int32_t i32;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;

#ifdef __wasm_relaxed_simd__
#define FMA(a, b, c) __builtin_wasm_relaxed_madd_f32x4((a), (b), (c)) /* a*b+c */
#else
#define FMA(a, b, c) wasm_f32x4_add(wasm_f32x4_mul((a), (b)), (c))
#endif

static inline f64 f64_bits(uint64_t u) { union { uint64_t u; f64 d; } x = { u }; return x.d; }
static inline uint64_t bits_f64(f64 d) { union { f64 d; uint64_t u; } x = { d }; return x.u; }
static inline f32 f32_bits(u32 u) { union { u32 u; f32 f; } x = { u }; return x.f; }
static inline u32 bits_f32(f32 f) { union { f32 f; u32 u; } x = { f }; return x.u; }

#define INF_F (__builtin_inff())
#define NAN_F (__builtin_nanf(""))
#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10

/* Scalar double exp: Cody-Waite reduction + degree-13 Taylor (|r| <= ln2/2), accurate to ~1 ulp of f64. */
static inline f64 exp_d(f64 x) {
  if (x != x) return x;
  if (x > 709.7) return __builtin_inf();
  if (x < -745.2) return 0.0;
  f64 k = __builtin_nearbyint(x * 1.4426950408889634);
  f64 r = (x - k * LN2_HI) - k * LN2_LO;
  f64 p = 1.0 / 6227020800.0;
  static const f64 inv[13] = { 1.0/479001600, 1.0/39916800, 1.0/3628800, 1.0/362880, 1.0/40320, 1.0/5040, 1.0/720, 1.0/120, 1.0/24, 1.0/6, 0.5, 1.0, 1.0 };
  for (int i = 0; i < 13; i++) p = p * r + inv[i];
  int ki = (int)k;
  /* scale in two steps so subnormal results stay right */
  int k1 = ki / 2, k2 = ki - k1;
  return p * f64_bits((uint64_t)(k1 + 1023) << 52) * f64_bits((uint64_t)(k2 + 1023) << 52);
}

/* Scalar double log: m in [sqrt(1/2), sqrt 2), log m = 2 atanh((m-1)/(m+1)) series. */
static inline f64 log_d(f64 x) {
  if (x != x || x < 0) return __builtin_nan("");
  if (x == 0) return -__builtin_inf();
  if (x == __builtin_inf()) return x;
  int e = 0;
  if (x < 2.2250738585072014e-308) { x *= 18014398509481984.0; e = -54; }
  uint64_t b = bits_f64(x);
  e += (int)((b >> 52) & 0x7ff) - 1023;
  f64 m = f64_bits((b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  if (m > 1.4142135623730951) { m *= 0.5; e++; }
  f64 s = (m - 1) / (m + 1), s2 = s * s;
  f64 p = 0;
  for (int n = 21; n >= 1; n -= 2) p = p * s2 + 1.0 / n;
  return 2 * s * p + e * LN2_HI + e * LN2_LO;
}

/* sin / cos on [-pi/4, pi/4] by Taylor; reduction by k * pi/2 split in three parts. */
static inline f64 sin_poly(f64 r) {
  f64 r2 = r * r, p = 0;
  static const f64 c[9] = { -1.0/121645100408832000.0, 1.0/355687428096000.0, -1.0/1307674368000.0, 1.0/6227020800.0, -1.0/39916800.0, 1.0/362880.0, -1.0/5040.0, 1.0/120.0, 1.0/6.0 };
  for (int i = 0; i < 8; i++) p = p * r2 + c[i];
  p = p * r2 - c[8];
  return r + r * r2 * p;
}
static inline f64 cos_poly(f64 r) {
  f64 r2 = r * r, p = 0;
  static const f64 c[9] = { -1.0/6402373705728000.0, 1.0/20922789888000.0, -1.0/87178291200.0, 1.0/479001600.0, -1.0/3628800.0, 1.0/40320.0, -1.0/720.0, 1.0/24.0, 0.5 };
  for (int i = 0; i < 8; i++) p = p * r2 + c[i];
  p = p * r2 - c[8];
  return 1 + r2 * p;
}
static inline f64 sincos_d(f64 x, int want_cos) {
  if (x != x || x == __builtin_inf() || x == -__builtin_inf()) return __builtin_nan("");
  f64 k = __builtin_nearbyint(x * 0.6366197723675814);
  f64 r = ((x - k * 1.5707963267341256) - k * 6.077100506506192e-11) - k * 2.0222662487959506e-21;
  int q = (int)(((long long)k + want_cos) & 3);
  switch (q) {
    case 0: return sin_poly(r);
    case 1: return cos_poly(r);
    case 2: return -sin_poly(r);
    default: return -cos_poly(r);
  }
}

/* erf in double: positive-term series below 2.5, continued fraction for erfc above. */
static inline f64 erf_d(f64 x) {
  if (x != x) return x;
  f64 ax = x < 0 ? -x : x;
  if (ax < 2.5) {
    f64 x2 = x * x, term = x, sum = x;
    for (int n = 1; n < 100; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if ((term < 0 ? -term : term) <= 1e-17 * (sum < 0 ? -sum : sum)) break;
    }
    return 1.1283791670955126 * exp_d(-x2) * sum;
  }
  if (ax >= 6) return x > 0 ? 1 : -1;
  f64 f = ax;
  for (int n = 60; n >= 1; n--) f = ax + n / 2.0 / f;
  f64 erfc = 0.5641895835477563 * exp_d(-ax * ax) / f;
  return x > 0 ? 1 - erfc : erfc - 1;
}

static inline f64 tanh_d(f64 x) {
  f64 ax = x < 0 ? -x : x;
  if (ax > 20) return x < 0 ? -1 : 1;
  f64 e = exp_d(2 * ax);
  f64 t = ax < 1e-8 ? ax : (e - 1) / (e + 1);
  return x < 0 ? -t : t;
}

/* ---- f32x4 helpers for the hot fused kernels ---- */

/* exp for x <= 88.376 (softmax passes x - max <= 0): n = round(x log2 e) by the magic-bias trick (the sum's low
   mantissa bits hold n + 127, so one shift makes 2^n), r = x - n ln2 in two parts, then
   e^r = 1 + r + r^2 P(r) with P fitted for Tessera (minimax of the relative error on |r| <= ln2/2,
   numpy; 1.1e-7, 1.7e-7 evaluated in f32). x < -87.33 (and -inf) give 0: 2^n would be subnormal. */
static inline v128_t exp4_neg(v128_t x) {
  const v128_t magic = wasm_f32x4_splat(12583039.0f); /* 1.5 * 2^23 + 127 */
  v128_t nb = FMA(x, wasm_f32x4_splat(1.44269504088896341f), magic);
  v128_t scale = wasm_i32x4_shl(nb, 23);
  v128_t n = wasm_f32x4_sub(nb, magic);
  v128_t r = FMA(n, wasm_f32x4_splat(-0.693359375f), x);
  r = FMA(n, wasm_f32x4_splat(2.12194440e-4f), r);
  v128_t p = FMA(wasm_f32x4_splat(0.008312530815601349f), r, wasm_f32x4_splat(0.04189012199640274f));
  p = FMA(p, r, wasm_f32x4_splat(0.16667114198207855f));
  p = FMA(p, r, wasm_f32x4_splat(0.499992311000824f));
  v128_t y = FMA(wasm_f32x4_mul(r, r), p, r); /* e^r - 1 */
  y = FMA(y, scale, scale);
  return wasm_v128_andnot(y, wasm_f32x4_lt(x, wasm_f32x4_splat(-87.33654f)));
}

/* exp for any x: above 88.376 (2^n would overflow) as 2 e^(x - ln2); beyond 88.7228 +inf; NaN stays. */
static inline v128_t exp4(v128_t x) {
  v128_t top = wasm_f32x4_gt(x, wasm_f32x4_splat(88.3762626647949f));
  v128_t big = wasm_f32x4_gt(x, wasm_f32x4_splat(88.72283935546875f));
  v128_t xs = wasm_f32x4_sub(x, wasm_v128_and(top, wasm_f32x4_splat(0.693147180559945f)));
  v128_t y = exp4_neg(wasm_f32x4_pmin(xs, wasm_f32x4_splat(88.3762626647949f)));
  y = wasm_f32x4_add(y, wasm_v128_and(top, y));
  y = wasm_v128_bitselect(wasm_f32x4_splat(INF_F), y, big);
  return wasm_v128_bitselect(x, y, wasm_f32x4_ne(x, x));
}

/* erf from two fits made for Tessera (numpy least squares): |x| < 0.75: x P(x^2);
   else 1 - exp(-x^2) Q(1/(1 + x/2)). Max abs. error ~1.3e-7. */
static inline v128_t erf4(v128_t x) {
  v128_t ax = wasm_f32x4_abs(x);
  v128_t sign = wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000));
  v128_t z = wasm_f32x4_mul(x, x);
  v128_t p = wasm_f32x4_splat(9.55776049522683e-05f);
  p = FMA(p, z, wasm_f32x4_splat(-0.0008370731957256794f));
  p = FMA(p, z, wasm_f32x4_splat(0.005217602476477623f));
  p = FMA(p, z, wasm_f32x4_splat(-0.02686499059200287f));
  p = FMA(p, z, wasm_f32x4_splat(0.11283781379461288f));
  p = FMA(p, z, wasm_f32x4_splat(-0.37612637877464294f));
  p = FMA(p, z, wasm_f32x4_splat(1.128379225730896f));
  v128_t small = wasm_f32x4_mul(p, x);
  v128_t axc = wasm_f32x4_pmin(ax, wasm_f32x4_splat(6.0f));
  v128_t t = wasm_f32x4_div(wasm_f32x4_splat(1.0f), FMA(axc, wasm_f32x4_splat(0.5f), wasm_f32x4_splat(1.0f)));
  v128_t q = wasm_f32x4_splat(0.11903271824121475f);
  q = FMA(q, t, wasm_f32x4_splat(-0.47007760405540466f));
  q = FMA(q, t, wasm_f32x4_splat(0.5615748167037964f));
  q = FMA(q, t, wasm_f32x4_splat(-0.10220247507095337f));
  q = FMA(q, t, wasm_f32x4_splat(0.3471044600009918f));
  q = FMA(q, t, wasm_f32x4_splat(0.25989389419555664f));
  q = FMA(q, t, wasm_f32x4_splat(0.2848789095878601f));
  q = FMA(q, t, wasm_f32x4_splat(-0.00015185237862169743f));
  v128_t e = exp4_neg(wasm_f32x4_neg(wasm_f32x4_mul(axc, axc)));
  v128_t big = wasm_f32x4_sub(wasm_f32x4_splat(1.0f), wasm_f32x4_mul(e, q));
  big = wasm_v128_or(big, sign);
  v128_t r = wasm_v128_bitselect(small, big, wasm_f32x4_lt(ax, wasm_f32x4_splat(0.75f)));
  return wasm_v128_bitselect(x, r, wasm_f32x4_ne(x, x)); /* NaN stays NaN */
}

static inline f32 hsum4(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}
static inline f32 hmax4(v128_t v) {
  f32 a = wasm_f32x4_extract_lane(v, 0), b = wasm_f32x4_extract_lane(v, 1), c = wasm_f32x4_extract_lane(v, 2), d = wasm_f32x4_extract_lane(v, 3);
  a = a > b ? a : b; c = c > d ? c : d;
  return a > c ? a : c;
}

/* Strided iteration: TS coalesces dims and writes {nd, shape[MAXD], strides[q][MAXD]} (i32). */
#define MAXD TS_MAX_DIMS
typedef struct { i32 nd; i32 shape[MAXD]; i32 st[4][MAXD]; } Desc;

/* Calls ROW(p0, p1, p2, len, s0, s1, s2) for every innermost row; p* are element indices. */
#define FOR_ROWS(d, o0, o1, o2, ROW)                                              \
  do {                                                                            \
    const Desc *D_ = (d);                                                         \
    int nd_ = D_->nd;                                                             \
    if (nd_ == 0) { i32 p0 = (o0), p1 = (o1), p2 = (o2); ROW(p0, p1, p2, 1, 0, 0, 0); break; } \
    int len_ = D_->shape[nd_ - 1], empty_ = 0;                                    \
    for (int d_ = 0; d_ < nd_; d_++) if (D_->shape[d_] == 0) empty_ = 1;          \
    if (empty_) break;                                                            \
    i32 s0_ = D_->st[0][nd_ - 1], s1_ = D_->st[1][nd_ - 1], s2_ = D_->st[2][nd_ - 1]; \
    i32 idx_[MAXD] = {0};                                                         \
    i32 c0_ = (o0), c1_ = (o1), c2_ = (o2);                                       \
    for (;;) {                                                                    \
      ROW(c0_, c1_, c2_, len_, s0_, s1_, s2_);                                    \
      int k_ = nd_ - 2;                                                           \
      for (; k_ >= 0; k_--) {                                                     \
        c0_ += D_->st[0][k_]; c1_ += D_->st[1][k_]; c2_ += D_->st[2][k_];         \
        if (++idx_[k_] < D_->shape[k_]) break;                                    \
        c0_ -= D_->st[0][k_] * D_->shape[k_]; c1_ -= D_->st[1][k_] * D_->shape[k_]; c2_ -= D_->st[2][k_] * D_->shape[k_]; \
        idx_[k_] = 0;                                                             \
      }                                                                           \
      if (k_ < 0) break;                                                          \
    }                                                                             \
  } while (0)
