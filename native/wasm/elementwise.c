/* Elementwise kernels over strided views: unary, binary (broadcast by stride 0), where, cast, copy. */
#include "common.h"

/* short names for the generated codes */
enum {
  NEG = TS_UNARY_NEG, EXP = TS_UNARY_EXP, LOG = TS_UNARY_LOG, SQRT = TS_UNARY_SQRT, RSQRT = TS_UNARY_RSQRT, SIN = TS_UNARY_SIN,
  COS = TS_UNARY_COS, TANH = TS_UNARY_TANH, ABS = TS_UNARY_ABS, SIGMOID = TS_UNARY_SIGMOID, ERF = TS_UNARY_ERF,
};
enum {
  ADD = TS_BINARY_ADD, SUB = TS_BINARY_SUB, MUL = TS_BINARY_MUL, DIV = TS_BINARY_DIV, POW = TS_BINARY_POW,
  MAXIMUM = TS_BINARY_MAXIMUM, MINIMUM = TS_BINARY_MINIMUM, LT = TS_BINARY_LT, LE = TS_BINARY_LE, EQ = TS_BINARY_EQ,
};
enum {
  K_F32 = TS_DTYPE_FLOAT32, K_F16 = TS_DTYPE_FLOAT16, K_BF16 = TS_DTYPE_BFLOAT16, K_I32 = TS_DTYPE_INT32,
  K_I8 = TS_DTYPE_INT8, K_U8 = TS_DTYPE_UINT8, K_BOOL = TS_DTYPE_BOOL,
};

static inline int is_int(f64 y) { return y == __builtin_trunc(y); }
static inline int is_odd(f64 y) { return is_int(y) && __builtin_fabs(y) < 9007199254740992.0 && ((long long)y & 1); }

static f64 pow_d(f64 x, f64 y) {
  if (y == 0 || x == 1) return 1;
  if (x != x || y != y) return __builtin_nan("");
  f64 ax = __builtin_fabs(x), inf = __builtin_inf();
  if (__builtin_fabs(y) == inf) return ax == 1 ? 1 : ((ax > 1) == (y > 0) ? inf : 0);
  if (x == 0 || ax == inf) {
    int big = (ax == inf) == (y > 0);
    f64 r = big ? inf : 0;
    return (x < 0 || (x == 0 && __builtin_signbit(x))) && is_odd(y) ? -r : r;
  }
  if (x < 0) {
    if (!is_int(y)) return __builtin_nan("");
    f64 r = exp_d(y * log_d(ax));
    return is_odd(y) ? -r : r;
  }
  return exp_d(y * log_d(x));
}

/* ---- unary ---- */
#define UROW_F(EXPR) \
  for (int i = 0; i < len; i++) { f32 v = x[p0 + i * s0]; y[p1 + i * s1] = (EXPR); }

/* exp / erf / sigmoid on f32x4 (relative error <= 2e-7, specials kept; exp flushes results below
   2^-126 to 0): the scalar double versions cost ~100x more, and gelu's gradient runs erf and exp
   over every hidden activation. The tail goes through the same vector code, so a value's result
   never depends on its position. */
static inline v128_t unary4(int op, v128_t v) {
  switch (op) {
    case EXP: return exp4(v);
    case ERF: return erf4(v);
    default: /* SIGMOID */
      return wasm_f32x4_div(wasm_f32x4_splat(1.0f), wasm_f32x4_add(wasm_f32x4_splat(1.0f), exp4(wasm_f32x4_neg(v))));
  }
}

static void unary_row_f32(int op, const f32 *restrict x, f32 *restrict y, int p0, int p1, int len, int s0, int s1) {
  if (s0 == 1 && s1 == 1) {
    const f32 *xs = x + p0; f32 *ys = y + p1;
    switch (op) {
      case NEG: for (int i = 0; i < len; i++) ys[i] = -xs[i]; return;
      case ABS: for (int i = 0; i < len; i++) ys[i] = __builtin_fabsf(xs[i]); return;
      case SQRT: for (int i = 0; i < len; i++) ys[i] = __builtin_sqrtf(xs[i]); return;
      default: break;
    }
  }
  if (op == EXP || op == ERF || op == SIGMOID) {
    int i = 0;
    if (s0 == 1 && s1 == 1)
      for (; i + 4 <= len; i += 4) wasm_v128_store(y + p1 + i, unary4(op, wasm_v128_load(x + p0 + i)));
    for (; i < len; i++) y[p1 + i * s1] = wasm_f32x4_extract_lane(unary4(op, wasm_f32x4_splat(x[p0 + i * s0])), 0);
    return;
  }
  switch (op) {
    case NEG: UROW_F(-v); break;
    case LOG: UROW_F((f32)log_d(v)); break;
    case SQRT: UROW_F(__builtin_sqrtf(v)); break;
    case RSQRT: UROW_F((f32)(1.0 / __builtin_sqrt((f64)v))); break;
    case SIN: UROW_F((f32)sincos_d(v, 0)); break;
    case COS: UROW_F((f32)sincos_d(v, 1)); break;
    case TANH: UROW_F((f32)tanh_d(v)); break;
    case ABS: UROW_F(__builtin_fabsf(v)); break;
  }
}

static void unary_row_i32(int op, const i32 *x, i32 *y, int p0, int p1, int len, int s0, int s1) {
  for (int i = 0; i < len; i++) {
    u32 v = (u32)x[p0 + i * s0];
    y[p1 + i * s1] = op == NEG ? (i32)(0u - v) : ((i32)v < 0 ? (i32)(0u - v) : (i32)v);
  }
}

EXPORT(unary) void unary(int op, int isint, void *x, int xo, void *y, int yo, const Desc *d) {
  if (isint) {
#define R(a, b, c, n, s0, s1, s2) unary_row_i32(op, x, y, a, b, n, s0, s1)
    FOR_ROWS(d, xo, yo, 0, R);
#undef R
  } else {
#define R(a, b, c, n, s0, s1, s2) unary_row_f32(op, x, y, a, b, n, s0, s1)
    FOR_ROWS(d, xo, yo, 0, R);
#undef R
  }
}

/* ---- binary ---- */
static inline f32 maxf_nan(f32 a, f32 b) { return a != a ? a : b != b ? b : (a > b || (a == b && !__builtin_signbit(a))) ? a : b; }
static inline f32 minf_nan(f32 a, f32 b) { return a != a ? a : b != b ? b : (a < b || (a == b && __builtin_signbit(a))) ? a : b; }

/* three loop shapes so clang can vectorize the common ones */
#define BROW(T, OT, EXPR)                                                                   \
  do {                                                                                      \
    const T *A = (const T *)a + p0, *B = (const T *)b + p1; OT *Y = (OT *)y + p2;            \
    if (s0 == 1 && s1 == 1 && s2 == 1) for (int i = 0; i < len; i++) { T u = A[i], v = B[i]; Y[i] = (EXPR); } \
    else if (s0 == 1 && s1 == 0 && s2 == 1) { T v = B[0]; for (int i = 0; i < len; i++) { T u = A[i]; Y[i] = (EXPR); } } \
    else if (s0 == 0 && s1 == 1 && s2 == 1) { T u = A[0]; for (int i = 0; i < len; i++) { T v = B[i]; Y[i] = (EXPR); } } \
    else for (int i = 0; i < len; i++) { T u = A[i * s0], v = B[i * s1]; Y[i * s2] = (EXPR); } \
  } while (0)

static void binary_row_f32(int op, const void *a, const void *b, void *y, int p0, int p1, int p2, int len, int s0, int s1, int s2) {
  switch (op) {
    case ADD: BROW(f32, f32, u + v); break;
    case SUB: BROW(f32, f32, u - v); break;
    case MUL: BROW(f32, f32, u * v); break;
    case DIV: BROW(f32, f32, u / v); break;
    case POW: BROW(f32, f32, (f32)pow_d(u, v)); break;
    case MAXIMUM: BROW(f32, f32, maxf_nan(u, v)); break;
    case MINIMUM: BROW(f32, f32, minf_nan(u, v)); break;
    case LT: BROW(f32, u8, u < v); break;
    case LE: BROW(f32, u8, u <= v); break;
    case EQ: BROW(f32, u8, u == v); break;
  }
}

static void binary_row_i32(int op, const void *a, const void *b, void *y, int p0, int p1, int p2, int len, int s0, int s1, int s2) {
  switch (op) {
    case ADD: BROW(i32, i32, (i32)((u32)u + (u32)v)); break;
    case SUB: BROW(i32, i32, (i32)((u32)u - (u32)v)); break;
    case MUL: BROW(i32, i32, (i32)((u32)u * (u32)v)); break;
    case DIV: BROW(i32, i32, v == 0 ? 0 : (i32)((f64)u / v)); break;
    case POW: BROW(i32, i32, (i32)pow_d(u, v)); break;
    case MAXIMUM: BROW(i32, i32, u > v ? u : v); break;
    case MINIMUM: BROW(i32, i32, u < v ? u : v); break;
    case LT: BROW(i32, u8, u < v); break;
    case LE: BROW(i32, u8, u <= v); break;
    case EQ: BROW(i32, u8, u == v); break;
  }
}

EXPORT(binary) void binary(int op, int isint, void *a, int ao, void *b, int bo, void *y, int yo, const Desc *d) {
  if (isint) {
#define R(p0, p1, p2, n, s0, s1, s2) binary_row_i32(op, a, b, y, p0, p1, p2, n, s0, s1, s2)
    FOR_ROWS(d, ao, bo, yo, R);
#undef R
  } else {
#define R(p0, p1, p2, n, s0, s1, s2) binary_row_f32(op, a, b, y, p0, p1, p2, n, s0, s1, s2)
    FOR_ROWS(d, ao, bo, yo, R);
#undef R
  }
}

/* ---- where: cond (bool bytes), a, b strided; y contiguous; selection by element size ---- */
EXPORT(where_) void where_(int esize, const u8 *c, int co, const void *a, int ao, const void *b, int bo, void *y, const Desc *d) {
  int out = 0;
#define R(p0, p1, p2, n, s0, s1, s2)                                                        \
  for (int i = 0; i < n; i++, out++) {                                                      \
    int k = c[p0 + i * s0] != 0;                                                            \
    int ia = p1 + i * s1, ib = p2 + i * s2;                                                 \
    if (esize == 4) ((u32 *)y)[out] = k ? ((const u32 *)a)[ia] : ((const u32 *)b)[ib];      \
    else if (esize == 2) ((u16 *)y)[out] = k ? ((const u16 *)a)[ia] : ((const u16 *)b)[ib]; \
    else ((u8 *)y)[out] = k ? ((const u8 *)a)[ia] : ((const u8 *)b)[ib];                    \
  }
  /* the descriptor's three strided operands are cond, a, b */
  FOR_ROWS(d, co, ao, bo, R);
#undef R
}

/* ---- copy: any strided view into any strided window, by element size ---- */
EXPORT(copy) void copy(int esize, const void *x, int xo, void *y, int yo, const Desc *d) {
#define R(p0, p1, p2, n, s0, s1, s2)                                                        \
  if (s0 == 1 && s1 == 1) __builtin_memcpy((u8 *)y + (p1) * esize, (const u8 *)x + (p0) * esize, (n) * esize); \
  else if (esize == 4) for (int i = 0; i < n; i++) ((u32 *)y)[p1 + i * s1] = ((const u32 *)x)[p0 + i * s0]; \
  else if (esize == 2) for (int i = 0; i < n; i++) ((u16 *)y)[p1 + i * s1] = ((const u16 *)x)[p0 + i * s0]; \
  else for (int i = 0; i < n; i++) ((u8 *)y)[p1 + i * s1] = ((const u8 *)x)[p0 + i * s0];
  FOR_ROWS(d, xo, yo, 0, R);
#undef R
}

/* ---- cast ---- */
static inline u16 f32_to_f16(f32 f) {
  u32 b = bits_f32(f), sign = (b >> 16) & 0x8000, mant = b & 0x7fffff;
  int exp = (b >> 23) & 0xff;
  if (exp == 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  int e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    int shift = 14 - e;
    u32 half = 1u << (shift - 1), r = mant >> shift, rem = mant & ((1u << shift) - 1);
    if (rem > half || (rem == half && (r & 1))) r++;
    return sign | r;
  }
  u32 r = ((u32)e << 10) | (mant >> 13), rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (r & 1))) r++;
  return sign | r;
}
static inline f32 f16_to_f32(u16 h) {
  u32 sign = (u32)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  if (exp == 0) { f32 v = (f32)mant * (1.0f / 16777216.0f); return sign ? -v : v; }
  if (exp == 0x1f) return f32_bits(sign | 0x7f800000 | (mant << 13));
  return f32_bits(sign | ((exp + 112) << 23) | (mant << 13));
}
static inline u16 f32_to_bf16(f32 f) {
  u32 b = bits_f32(f);
  if ((b & 0x7f800000) == 0x7f800000 && (b & 0x7fffff)) return ((b >> 16) | 0x40) & 0xffff;
  return (u16)((b + 0x7fff + ((b >> 16) & 1)) >> 16);
}
static inline f32 bf16_to_f32(u16 h) { return f32_bits((u32)h << 16); }

static inline f64 load_k(int k, const void *p, int i) {
  switch (k) {
    case K_F32: return ((const f32 *)p)[i];
    case K_F16: return f16_to_f32(((const u16 *)p)[i]);
    case K_BF16: return bf16_to_f32(((const u16 *)p)[i]);
    case K_I32: return ((const i32 *)p)[i];
    case K_I8: return ((const int8_t *)p)[i];
    default: return ((const u8 *)p)[i];
  }
}
/* float -> int: truncate toward zero, wrap modulo 2^32 (NaN / inf give 0), like JS typed-array stores */
static inline u32 wrap32(f64 v) {
  if (!(v - v == 0)) return 0;
  v = __builtin_trunc(v);
  v -= __builtin_floor(v / 4294967296.0) * 4294967296.0;
  return (u32)(uint64_t)v;
}
static inline void store_k(int k, void *p, int i, f64 v) {
  switch (k) {
    case K_F32: ((f32 *)p)[i] = (f32)v; break;
    case K_F16: ((u16 *)p)[i] = f32_to_f16((f32)v); break;
    case K_BF16: ((u16 *)p)[i] = f32_to_bf16((f32)v); break;
    case K_I32: ((i32 *)p)[i] = (i32)wrap32(v); break;
    case K_I8: case K_U8: ((u8 *)p)[i] = (u8)wrap32(v); break;
    default: ((u8 *)p)[i] = v != 0; break;
  }
}

EXPORT(cast) void cast(int kx, const void *x, int xo, int ky, void *y, int yo, const Desc *d) {
#define R(p0, p1, p2, n, s0, s1, s2)                                                        \
  if (kx == K_F32 && ky == K_F16) for (int i = 0; i < n; i++) ((u16 *)y)[p1 + i * s1] = f32_to_f16(((const f32 *)x)[p0 + i * s0]); \
  else if (kx == K_F16 && ky == K_F32) for (int i = 0; i < n; i++) ((f32 *)y)[p1 + i * s1] = f16_to_f32(((const u16 *)x)[p0 + i * s0]); \
  else if (kx == K_F32 && ky == K_BF16) for (int i = 0; i < n; i++) ((u16 *)y)[p1 + i * s1] = f32_to_bf16(((const f32 *)x)[p0 + i * s0]); \
  else if (kx == K_BF16 && ky == K_F32) for (int i = 0; i < n; i++) ((u32 *)y)[p1 + i * s1] = (u32)((const u16 *)x)[p0 + i * s0] << 16; \
  else for (int i = 0; i < n; i++) store_k(ky, y, p1 + i * s1, load_k(kx, x, p0 + i * s0));
  FOR_ROWS(d, xo, yo, 0, R);
#undef R
}
