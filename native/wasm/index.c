/* indexSelect, gather, scatterAdd over [outer, d, inner] views; bad indices are skipped (core validates). */
#include "common.h"

static inline void copy_el(int es, void *dst, long di, const void *src, long si) {
  if (es == 4) ((u32 *)dst)[di] = ((const u32 *)src)[si];
  else if (es == 2) ((u16 *)dst)[di] = ((const u16 *)src)[si];
  else ((u8 *)dst)[di] = ((const u8 *)src)[si];
}

EXPORT(index_select) void index_select(int es, const void *x, const i32 *idx, void *y, int outer, int d, int inner, int n) {
  for (int o = 0; o < outer; o++)
    for (int j = 0; j < n; j++) {
      int k = idx[j];
      u8 *dst = (u8 *)y + ((long)o * n + j) * inner * es;
      if (k < 0 || k >= d) { __builtin_memset(dst, 0, (long)inner * es); continue; }
      __builtin_memcpy(dst, (const u8 *)x + ((long)o * d + k) * inner * es, (long)inner * es);
    }
}

EXPORT(gather) void gather(int es, const void *x, const i32 *idx, void *y, int outer, int d, int inner, int n) {
  for (int o = 0; o < outer; o++)
    for (int j = 0; j < n; j++)
      for (int i = 0; i < inner; i++) {
        long t = ((long)o * n + j) * inner + i;
        int k = idx[t];
        if (k < 0 || k >= d) { copy_el(es, y, t, "\0\0\0\0", 0); continue; }
        copy_el(es, y, t, x, ((long)o * d + k) * inner + i);
      }
}

EXPORT(scatter_add) void scatter_add(int isint, const void *base, const i32 *idx, const void *src, void *y, int outer, int d, int inner, int n) {
  if (y != base) __builtin_memcpy(y, base, (long)outer * d * inner * 4);
  for (int o = 0; o < outer; o++)
    for (int j = 0; j < n; j++)
      for (int i = 0; i < inner; i++) {
        long t = ((long)o * n + j) * inner + i;
        int k = idx[t];
        if (k < 0 || k >= d) continue;
        long w = ((long)o * d + k) * inner + i;
        if (isint) ((i32 *)y)[w] = (i32)((u32)((i32 *)y)[w] + (u32)((const i32 *)src)[t]);
        else ((f32 *)y)[w] += ((const f32 *)src)[t];
      }
}
