/* Philox4x32-10 counter-based random numbers (the contract's stream, bit-identical on every backend). */
#include "common.h"

enum { UNIFORM = TS_RANDOM_UNIFORM, NORMAL = TS_RANDOM_NORMAL, BITS = TS_RANDOM_BITS, RANDINT = TS_RANDOM_RANDINT };

static inline void philox(u32 c[4], u32 k0, u32 k1) {
  for (int r = 0; r < 10; r++) {
    if (r > 0) { k0 += 0x9e3779b9u; k1 += 0xbb67ae85u; }
    uint64_t p0 = (uint64_t)0xd2511f53u * c[0], p1 = (uint64_t)0xcd9e8d57u * c[2];
    u32 n0 = (u32)(p1 >> 32) ^ c[1] ^ k0, n2 = (u32)(p0 >> 32) ^ c[3] ^ k1;
    c[1] = (u32)p1; c[3] = (u32)p0; c[0] = n0; c[2] = n2;
  }
}

/* Elements [start, end) of the stream; randint: low + (w mod range). */
EXPORT(random_fill) void random_fill(int dist, u32 k0, u32 k1, u32 offset, i32 low, f64 range, void *y, int start, int end) {
  if (dist == NORMAL) {
    for (int j = start; j < end; j++) {
      u32 c[4] = { (u32)j, offset, 0, 0 };
      philox(c, k0, k1);
      f64 u1 = ((f64)(c[0] >> 8) + 1) * (1.0 / 16777216.0), u2 = (f64)(c[1] >> 8) * (1.0 / 16777216.0);
      ((f32 *)y)[j] = (f32)(__builtin_sqrt(-2 * log_d(u1)) * sincos_d(6.283185307179586 * u2, 1));
    }
    return;
  }
  u32 c[4];
  uint64_t rg = range >= 4294967296.0 ? 0 : (uint64_t)range;
  for (int j = start; j < end; j++) {
    if (j == start || (j & 3) == 0) { c[0] = (u32)(j >> 2); c[1] = offset; c[2] = 0; c[3] = 0; philox(c, k0, k1); }
    u32 w = c[j & 3];
    if (dist == UNIFORM) ((f32 *)y)[j] = (f32)(w >> 8) * (1.0f / 16777216.0f);
    else if (dist == BITS) ((i32 *)y)[j] = (i32)w;
    else ((i32 *)y)[j] = (i32)((u32)low + (u32)(rg ? w % rg : w));
  }
}
