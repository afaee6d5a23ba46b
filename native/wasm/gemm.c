/* fp32 GEMM: C = A B with any row / column strides (so transposes are free), Goto-style packing and
   cache blocking around a 4x8 SIMD128 register tile; a packing-free path for skinny (gemv-like) shapes. */
#include "common.h"

#define MR 4
#define NR 8
#define KC 512
#define MC 128
#define NC 1024
/* per-thread scratch: packed A block + packed B block */
#define SCRATCH_FLOATS (MC * KC + KC * NC)

EXPORT(gemm_scratch_bytes) int gemm_scratch_bytes(void) { return SCRATCH_FLOATS * 4 + 64; }

static void pack_a(int mc, int kc, const f32 *a, long rs, long cs, f32 *pa) {
  for (int i0 = 0; i0 < mc; i0 += MR) {
    int mr = mc - i0 < MR ? mc - i0 : MR, p = 0;
    const f32 *r = a + i0 * rs;
    if (mr == MR && cs == 1) {
      /* row-major A: 4x4 blocks transposed in registers */
      for (; p + 4 <= kc; p += 4, pa += 4 * MR) {
        v128_t r0 = wasm_v128_load(r + p), r1 = wasm_v128_load(r + rs + p);
        v128_t r2 = wasm_v128_load(r + 2 * rs + p), r3 = wasm_v128_load(r + 3 * rs + p);
        v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
        v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
        wasm_v128_store(pa, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
        wasm_v128_store(pa + 4, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
        wasm_v128_store(pa + 8, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
        wasm_v128_store(pa + 12, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
      }
    } else if (mr == MR && rs == 1) {
      /* column-major A (a transposed view): each step's 4 values are contiguous */
      for (; p < kc; p++, pa += MR) wasm_v128_store(pa, wasm_v128_load(r + p * cs));
    }
    for (; p < kc; p++) {
      for (int i = 0; i < mr; i++) pa[i] = r[i * rs + p * cs];
      for (int i = mr; i < MR; i++) pa[i] = 0;
      pa += MR;
    }
  }
}

static void pack_b(int kc, int nc, const f32 *b, long rs, long cs, f32 *pb) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    int nr = nc - j0 < NR ? nc - j0 : NR;
    const f32 *bj = b + j0 * cs;
    if (nr == NR && cs == 1) {
      for (int p = 0; p < kc; p++) {
        wasm_v128_store(pb, wasm_v128_load(bj + p * rs));
        wasm_v128_store(pb + 4, wasm_v128_load(bj + p * rs + 4));
        pb += NR;
      }
    } else {
      for (int p = 0; p < kc; p++) {
        for (int j = 0; j < nr; j++) pb[j] = bj[p * rs + j * cs];
        for (int j = nr; j < NR; j++) pb[j] = 0;
        pb += NR;
      }
    }
  }
}

/* The register tile multiplies and adds separately even where relaxed SIMD has a fused madd: with
   8 accumulators the FMA latency leaves no slack, and measured at 1024^3 it ran 3-4% slower. */
#define MADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul((a), (b)), (c))

/* c[0..mr, 0..nr] (+)= pa (MR x kc) * pb (kc x NR) */
static inline void micro(int kc, const f32 *pa, const f32 *pb, f32 *c, long ldc, int accum, int mr, int nr) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int p = 0; p < kc; p++) {
    v128_t b0 = wasm_v128_load(pb), b1 = wasm_v128_load(pb + 4);
    v128_t a0 = wasm_v128_load32_splat(pa), a1 = wasm_v128_load32_splat(pa + 1);
    c00 = MADD(a0, b0, c00); c01 = MADD(a0, b1, c01);
    c10 = MADD(a1, b0, c10); c11 = MADD(a1, b1, c11);
    v128_t a2 = wasm_v128_load32_splat(pa + 2), a3 = wasm_v128_load32_splat(pa + 3);
    c20 = MADD(a2, b0, c20); c21 = MADD(a2, b1, c21);
    c30 = MADD(a3, b0, c30); c31 = MADD(a3, b1, c31);
    pa += MR; pb += NR;
  }
  if (mr == MR && nr == NR) {
#define ST(r, v0, v1)                                                                     \
    if (accum) { v0 = wasm_f32x4_add(v0, wasm_v128_load(c + r * ldc)); v1 = wasm_f32x4_add(v1, wasm_v128_load(c + r * ldc + 4)); } \
    wasm_v128_store(c + r * ldc, v0); wasm_v128_store(c + r * ldc + 4, v1);
    ST(0, c00, c01) ST(1, c10, c11) ST(2, c20, c21) ST(3, c30, c31)
#undef ST
    return;
  }
  f32 t[MR * NR];
  wasm_v128_store(t, c00); wasm_v128_store(t + 4, c01); wasm_v128_store(t + 8, c10); wasm_v128_store(t + 12, c11);
  wasm_v128_store(t + 16, c20); wasm_v128_store(t + 20, c21); wasm_v128_store(t + 24, c30); wasm_v128_store(t + 28, c31);
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) c[i * ldc + j] = accum ? c[i * ldc + j] + t[i * NR + j] : t[i * NR + j];
}

static void gemm_packed(int M, int N, int K, const f32 *a, long rsa, long csa, const f32 *b, long rsb, long csb,
                        f32 *c, long ldc, f32 *scratch) {
  f32 *pa = (f32 *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63), *pb = pa + MC * KC;
  if (K == 0) { for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) c[i * ldc + j] = 0; return; }
  for (int jc = 0; jc < N; jc += NC) {
    int nc = N - jc < NC ? N - jc : NC;
    for (int pc = 0; pc < K; pc += KC) {
      int kc = K - pc < KC ? K - pc : KC;
      pack_b(kc, nc, b + pc * rsb + jc * csb, rsb, csb, pb);
      for (int ic = 0; ic < M; ic += MC) {
        int mc = M - ic < MC ? M - ic : MC;
        pack_a(mc, kc, a + ic * rsa + pc * csa, rsa, csa, pa);
        for (int jr = 0; jr < nc; jr += NR) {
          int nr = nc - jr < NR ? nc - jr : NR;
          for (int ir = 0; ir < mc; ir += MR) {
            int mr = mc - ir < MR ? mc - ir : MR;
            micro(kc, pa + ir * kc, pb + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc, pc > 0, mr, nr);
          }
        }
      }
    }
  }
}

/* Few rows of A: stream B once (no packing). Row-major B: axpy over B's rows; else dot products. */
static void gemm_skinny(int M, int N, int K, const f32 *a, long rsa, long csa, const f32 *b, long rsb, long csb,
                        f32 *c, long ldc) {
  for (int i = 0; i < M; i++) {
    const f32 *ar = a + i * rsa;
    f32 *cr = c + i * ldc;
    if (csb == 1) {
      for (int j = 0; j < N; j++) cr[j] = 0;
      for (int p = 0; p < K; p++) {
        v128_t av = wasm_f32x4_splat(ar[p * csa]);
        const f32 *br = b + p * rsb;
        int j = 0;
        for (; j + 8 <= N; j += 8) {
          wasm_v128_store(cr + j, FMA(av, wasm_v128_load(br + j), wasm_v128_load(cr + j)));
          wasm_v128_store(cr + j + 4, FMA(av, wasm_v128_load(br + j + 4), wasm_v128_load(cr + j + 4)));
        }
        for (; j < N; j++) cr[j] += ar[p * csa] * br[j];
      }
    } else {
      for (int j = 0; j < N; j++) {
        const f32 *bc = b + j * csb;
        f32 s = 0;
        if (rsb == 1 && csa == 1) {
          v128_t acc0 = wasm_f32x4_splat(0), acc1 = acc0;
          int p = 0;
          for (; p + 8 <= K; p += 8) {
            acc0 = FMA(wasm_v128_load(ar + p), wasm_v128_load(bc + p), acc0);
            acc1 = FMA(wasm_v128_load(ar + p + 4), wasm_v128_load(bc + p + 4), acc1);
          }
          s = hsum4(wasm_f32x4_add(acc0, acc1));
          for (; p < K; p++) s += ar[p] * bc[p];
        } else {
          for (int p = 0; p < K; p++) s += ar[p * csa] * bc[p * rsb];
        }
        cr[j] = s;
      }
    }
  }
}

static void gemm(int M, int N, int K, const f32 *a, long rsa, long csa, const f32 *b, long rsb, long csb,
                 f32 *c, long ldc, f32 *scratch) {
  if (M <= 0 || N <= 0) return;
  if (M < MR) gemm_skinny(M, N, K, a, rsa, csa, b, rsb, csb, c, ldc);
  else gemm_packed(M, N, K, a, rsa, csa, b, rsb, csb, c, ldc, scratch);
}

/* Batched matmul job written by TS. Modes 0-2: each thread takes a static share (0: M rows,
   1: N cols, 2: batch) and packs its own B. Mode 3 (one large product on several threads): the
   threads pack B once into a shared buffer, then take output tiles from a counter, so a core that
   runs slower (a busy SMT sibling, an efficiency core) simply takes fewer tiles. */
typedef struct {
  i32 batch, M, N, K;
  i32 a, b, c; /* byte addresses */
  i32 sab, rsa, csa, sbb, rsb, csb; /* element strides */
  i32 scratch, scratch_stride, mode;
  /* mode 3 */
  i32 packb;      /* byte address of K x nb packed floats, shared by the threads */
  i32 nb;         /* columns of B per chunk (a multiple of NR) */
  i32 tm, tn;     /* output tile: rows (a multiple of MR, <= MC) x cols (a multiple of NR) */
  i32 tail, tm2;  /* the last `tail` rows go in shorter tiles of tm2 rows (evens out the end) */
  i32 pad[10];    /* the counters get a cache line of their own */
  i32 pack_next, pack_done, task_next, task_done; /* zero when the job starts */
} MatmulJob;

#define PACK_COLS 64 /* columns of B per pack unit */

/* Takes the next unit below `limit`; never one past it (that one belongs to the next chunk). */
static int grab(i32 *next, int limit) {
  int u = __atomic_load_n(next, __ATOMIC_RELAXED);
  while (u < limit) {
    if (__atomic_compare_exchange_n(next, &u, u + 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) return u;
  }
  return -1;
}

static void wait_for(i32 *count, int target) {
  while (__atomic_load_n(count, __ATOMIC_ACQUIRE) < target) {}
}

/* Packs columns [c0, c0 + ncols) of one chunk into the shared layout: for each KC block of rows
   (at pc * nb), NR-column panels of kc x NR, panel q at q * kc, so that the panels one tile
   reads for one KC block lie together. */
static void pack_b_unit(const MatmulJob *j, const f32 *B, int c0, int ncols, f32 *pb) {
  int K = j->K, nb = j->nb;
  for (int pc = 0; pc < K; pc += KC) {
    int kc = K - pc < KC ? K - pc : KC;
    f32 *blk = pb + (long)pc * nb + (long)c0 * kc;
    const f32 *src = B + (long)pc * j->rsb + (long)c0 * j->csb;
    if (j->csb == 1 && ncols == PACK_COLS) {
      /* row-major B: each row of the unit is 64 contiguous floats, spread over 8 panels */
      for (int p = 0; p < kc; p++, src += j->rsb, blk += NR)
        for (int q = 0; q < PACK_COLS / NR; q++) {
          wasm_v128_store(blk + q * kc * NR, wasm_v128_load(src + q * NR));
          wasm_v128_store(blk + q * kc * NR + 4, wasm_v128_load(src + q * NR + 4));
        }
    } else {
      for (int q = 0; q < ncols; q += NR) {
        int nr = ncols - q < NR ? ncols - q : NR;
        pack_b(kc, nr, src + (long)q * j->csb, j->rsb, j->csb, blk + (long)q * kc);
      }
    }
  }
}

/* One output tile: rows [i0, i0 + mc) x chunk columns [c0, c0 + nc), B already packed. */
static void shared_tile(const MatmulJob *j, const f32 *pb, f32 *c, int i0, int mc, int c0, int nc, f32 *pa) {
  const f32 *A = (const f32 *)(uintptr_t)j->a;
  int K = j->K, N = j->N;
  for (int pc = 0; pc < K; pc += KC) {
    int kc = K - pc < KC ? K - pc : KC;
    pack_a(mc, kc, A + (long)i0 * j->rsa + (long)pc * j->csa, j->rsa, j->csa, pa);
    const f32 *blk = pb + (long)pc * j->nb + (long)c0 * kc;
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = nc - jr < NR ? nc - jr : NR;
      for (int ir = 0; ir < mc; ir += MR) {
        int mr = mc - ir < MR ? mc - ir : MR;
        micro(kc, pa + ir * kc, blk + (long)jr * kc, c + (long)ir * N + jr, N, pc > 0, mr, nr);
      }
    }
  }
}

/* A thread waits only for work already taken by others (packing before tiles, a chunk's tiles
   before its B is overwritten), never for a thread that has not started. */
static void gemm_shared(MatmulJob *j, f32 *scratch) {
  const f32 *B = (const f32 *)(uintptr_t)j->b;
  f32 *C = (f32 *)(uintptr_t)j->c, *pb = (f32 *)(uintptr_t)j->packb;
  f32 *pa = (f32 *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
  int M = j->M, N = j->N, nb = j->nb, tm = j->tm, tn = j->tn, tm2 = j->tm2, top = M - j->tail;
  int chunks = (N + nb - 1) / nb;
  int units = (nb + PACK_COLS - 1) / PACK_COLS; /* per chunk; the last chunk may leave some empty */
  int tiles_n = (nb + tn - 1) / tn, big = (top + tm - 1) / tm * tiles_n;
  int tiles = big + (j->tail + tm2 - 1) / tm2 * tiles_n;
  for (int ch = 0; ch < chunks; ch++) {
    int j0 = ch * nb, ncols = N - j0 < nb ? N - j0 : nb;
    if (ch > 0) wait_for(&j->task_done, ch * tiles);
    for (int u; (u = grab(&j->pack_next, (ch + 1) * units)) >= 0;) {
      int c0 = (u - ch * units) * PACK_COLS;
      if (c0 < ncols) pack_b_unit(j, B + (long)j0 * j->csb, c0, ncols - c0 < PACK_COLS ? ncols - c0 : PACK_COLS, pb);
      __atomic_fetch_add(&j->pack_done, 1, __ATOMIC_RELEASE);
    }
    wait_for(&j->pack_done, (ch + 1) * units);
    for (int t; (t = grab(&j->task_next, (ch + 1) * tiles)) >= 0;) {
      int local = t - ch * tiles, i0, h;
      if (local < big) { i0 = local / tiles_n * tm; h = tm; }
      else { local -= big; i0 = top + local / tiles_n * tm2; h = tm2; }
      int c0 = local % tiles_n * tn;
      if (i0 < M && c0 < ncols) {
        int mc = M - i0 < h ? M - i0 : h, nc = ncols - c0 < tn ? ncols - c0 : tn;
        if (i0 < top && i0 + mc > top) mc = top - i0;
        shared_tile(j, pb, C + (long)i0 * N + j0 + c0, i0, mc, c0, nc, pa);
      }
      __atomic_fetch_add(&j->task_done, 1, __ATOMIC_RELEASE);
    }
  }
}

EXPORT(matmul_part) void matmul_part(MatmulJob *j, int start, int end, int tid) {
  const f32 *A = (const f32 *)(uintptr_t)j->a, *B = (const f32 *)(uintptr_t)j->b;
  f32 *C = (f32 *)(uintptr_t)j->c;
  f32 *scratch = (f32 *)(uintptr_t)(j->scratch + tid * j->scratch_stride);
  if (j->mode == 3) { gemm_shared(j, scratch); return; }
  long mn = (long)j->M * j->N;
  int b0 = 0, b1 = j->batch, m0 = 0, m1 = j->M, n0 = 0, n1 = j->N;
  if (j->mode == 0) { m0 = start; m1 = end; }
  else if (j->mode == 1) { n0 = start; n1 = end; }
  else { b0 = start; b1 = end; }
  for (int bi = b0; bi < b1; bi++) {
    const f32 *a = A + (long)bi * j->sab + (long)m0 * j->rsa;
    const f32 *b = B + (long)bi * j->sbb + (long)n0 * j->csb;
    f32 *c = C + bi * mn + (long)m0 * j->N + n0;
    gemm(m1 - m0, n1 - n0, j->K, a, j->rsa, j->csa, b, j->rsb, j->csb, c, j->N, scratch);
  }
}
