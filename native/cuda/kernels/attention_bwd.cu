// Scaled-dot-product attention backward, flash-attention style (float32): nothing of size
// [tq, tk] is stored. With P = softmax(scale q k^T + mask):
//   dV = P^T dO, dP = dO V^T, D_i = sum_j P_ij dP_ij, dS = P o (dP - D), dQ = scale dS K, dK = scale dS^T Q.
// Kernel 1, one block per (batch, tile of BR queries): pass 1 over the key tiles computes the row
// statistics online (max, sum, and D accumulated with the same rescaling), stores logsumexp and D
// per query in a workspace [2, B, tq]; pass 2 recomputes P tile by tile and accumulates dQ.
// Kernel 2, one block per (batch, tile of BC keys): walks the query tiles, recomputes P from the
// stored logsumexp and accumulates dK / dV. Deterministic (no atomics). Same masking rules as the
// forward: causal query i sees keys j <= i + (tk - tq); fully masked rows have P = 0 (zero gradients).
#include "tessera_cuda.h"

namespace tessera {
namespace {

constexpr int BR = 32, BC = 32, THREADS = 128;

__device__ __forceinline__ float load_mask_bwd(int dt, const void* p, long long i) {
  if (dt == F16) return f16_to_f32(static_cast<const uint16_t*>(p)[i]);
  if (dt == BF16) return bf16_to_f32(static_cast<const uint16_t*>(p)[i]);
  return static_cast<const float*>(p)[i];
}

// score of (query qi, key kj): scale q.k + mask, or -inf when out of range / causally hidden
__device__ __forceinline__ float score(const AttnBwdArgs& a, long long bz, long long qi, long long kj, const float* qr,
                                       const float* kr) {
  if (qi >= a.tq || kj >= a.tk || (a.causal && kj > qi + (a.tk - a.tq))) return -INFINITY;
  float acc = 0.f;
  for (long long x = 0; x < a.d; x++) acc = fmaf(qr[x], kr[x], acc);
  acc *= a.scale;
  if (a.mask) acc += load_mask_bwd(a.mask_dtype, a.mask, bz * a.smb + qi * a.smq + kj * a.smk);
  return acc;
}

__device__ __forceinline__ float dot(const float* x, const float* y, long long n) {
  float acc = 0.f;
  for (long long i = 0; i < n; i++) acc = fmaf(x[i], y[i], acc);
  return acc;
}

// dst[r][c] = src[base + (r0 + r) * st + c * sc] for r < R (0 beyond `rows`)
__device__ __forceinline__ void load_rows(float* dst, const float* src, int R, long long r0, long long rows,
                                          long long cols, long long base, long long st, long long sc, int t) {
  for (long long e = t; e < R * cols; e += THREADS) {
    long long r = e / cols, c = e % cols, ri = r0 + r;
    dst[e] = ri < rows ? src[base + ri * st + c * sc] : 0.f;
  }
}

__global__ void __launch_bounds__(THREADS) attention_bwd_dq_kernel(AttnBwdArgs a, float* ws) {
  TS_DYN_SHARED(float, smem);
  const long long d = a.d, dv = a.dv;
  float* Qs = smem;              // [BR][d]
  float* dOs = Qs + BR * d;      // [BR][dv]
  float* Ks = dOs + BR * dv;     // [BC][d]
  float* Vs = Ks + BC * d;       // [BC][dv]
  float* S = Vs + BC * dv;       // [BR][BC] scores -> dS
  float* dP = S + BR * BC;       // [BR][BC]
  float* dQs = dP + BR * BC;     // [BR][d]
  float* M = dQs + BR * d;       // [BR] running max, then logsumexp
  float* L = M + BR;             // [BR] running sum
  float* Dd = L + BR;            // [BR] running sum of p dP, then D
  const float* q = static_cast<const float*>(a.q);
  const float* k = static_cast<const float*>(a.k);
  const float* v = static_cast<const float*>(a.v);
  const float* dout = static_cast<const float*>(a.dout);
  const int t = threadIdx.x;
  const long long q0 = (long long)blockIdx.x * BR, shift = a.tk - a.tq;
  long long kend = a.tk;
  if (a.causal) { long long lim = q0 + BR - 1 + shift + 1; kend = lim < kend ? (lim < 0 ? 0 : lim) : kend; }
  for (long long bz = blockIdx.y; bz < a.B; bz += gridDim.y) {
    load_rows(Qs, q, BR, q0, a.tq, d, bz * a.sqb, a.sqt, a.sqd, t);
    load_rows(dOs, dout, BR, q0, a.tq, dv, bz * a.sob, a.sot, a.sod, t);
    for (long long e = t; e < BR * d; e += THREADS) dQs[e] = 0.f;
    if (t < BR) { M[t] = -INFINITY; L[t] = 0.f; Dd[t] = 0.f; }
    __syncthreads();
    // pass 1: row statistics
    for (long long k0 = 0; k0 < kend; k0 += BC) {
      load_rows(Ks, k, BC, k0, a.tk, d, bz * a.skb, a.skt, a.skd, t);
      load_rows(Vs, v, BC, k0, a.tk, dv, bz * a.svb, a.svt, a.svd, t);
      __syncthreads();
      for (int e = t; e < BR * BC; e += THREADS) {
        int r = e / BC, c = e % BC;
        S[e] = score(a, bz, q0 + r, k0 + c, Qs + r * d, Ks + c * d);
        dP[e] = dot(dOs + r * dv, Vs + c * dv, dv);
      }
      __syncthreads();
      if (t < BR) {
        float mt = -INFINITY;
        for (int c = 0; c < BC; c++) mt = fmaxf(mt, S[t * BC + c]);
        const float m_old = M[t], m_new = fmaxf(m_old, mt);
        float sum = 0.f, dsum = 0.f;
        if (m_new != -INFINITY)
          for (int c = 0; c < BC; c++) {
            float p = expf(S[t * BC + c] - m_new);
            sum += p;
            dsum = fmaf(p, dP[t * BC + c], dsum);
          }
        const float alpha = m_old == -INFINITY ? 0.f : expf(m_old - m_new);
        L[t] = L[t] * alpha + sum;
        Dd[t] = Dd[t] * alpha + dsum;
        M[t] = m_new;
      }
      __syncthreads();
    }
    if (t < BR) {
      const float l = L[t];
      const float lse = l > 0.f ? M[t] + logf(l) : INFINITY;
      const float D = l > 0.f ? Dd[t] / l : 0.f;
      M[t] = lse;
      Dd[t] = D;
      const long long qi = q0 + t;
      if (qi < a.tq) { ws[bz * a.tq + qi] = lse; ws[a.B * a.tq + bz * a.tq + qi] = D; }
    }
    __syncthreads();
    // pass 2: dQ = scale dS K
    for (long long k0 = 0; k0 < kend; k0 += BC) {
      load_rows(Ks, k, BC, k0, a.tk, d, bz * a.skb, a.skt, a.skd, t);
      load_rows(Vs, v, BC, k0, a.tk, dv, bz * a.svb, a.svt, a.svd, t);
      __syncthreads();
      for (int e = t; e < BR * BC; e += THREADS) {
        int r = e / BC, c = e % BC;
        const float s = score(a, bz, q0 + r, k0 + c, Qs + r * d, Ks + c * d);
        const float p = (s == -INFINITY || M[r] == INFINITY) ? 0.f : expf(s - M[r]);
        S[e] = p * (dot(dOs + r * dv, Vs + c * dv, dv) - Dd[r]);
      }
      __syncthreads();
      for (long long e = t; e < BR * d; e += THREADS) {
        long long r = e / d, x = e % d;
        float acc = dQs[e];
        for (int j = 0; j < BC; j++) acc = fmaf(S[r * BC + j], Ks[j * d + x], acc);
        dQs[e] = acc;
      }
      __syncthreads();
    }
    for (long long e = t; e < BR * d; e += THREADS) {
      long long r = e / d, x = e % d, qi = q0 + r;
      if (qi < a.tq) a.dq[(bz * a.tq + qi) * d + x] = a.scale * dQs[e];
    }
    __syncthreads();
  }
}

__global__ void __launch_bounds__(THREADS) attention_bwd_dkdv_kernel(AttnBwdArgs a, const float* ws) {
  TS_DYN_SHARED(float, smem);
  const long long d = a.d, dv = a.dv;
  float* Ks = smem;              // [BC][d]
  float* Vs = Ks + BC * d;       // [BC][dv]
  float* dKs = Vs + BC * dv;     // [BC][d]
  float* dVs = dKs + BC * d;     // [BC][dv]
  float* Qs = dVs + BC * dv;     // [BR][d]
  float* dOs = Qs + BR * d;      // [BR][dv]
  float* P = dOs + BR * dv;      // [BR][BC]
  float* dS = P + BR * BC;       // [BR][BC]
  float* LSE = dS + BR * BC;     // [BR]
  float* Dr = LSE + BR;          // [BR]
  const float* q = static_cast<const float*>(a.q);
  const float* k = static_cast<const float*>(a.k);
  const float* v = static_cast<const float*>(a.v);
  const float* dout = static_cast<const float*>(a.dout);
  const int t = threadIdx.x;
  const long long k0 = (long long)blockIdx.x * BC, shift = a.tk - a.tq;
  long long qstart = 0;  // causal: queries before k0 - shift see none of this tile's keys
  if (a.causal && k0 - shift > 0) qstart = ((k0 - shift) / BR) * BR;
  for (long long bz = blockIdx.y; bz < a.B; bz += gridDim.y) {
    load_rows(Ks, k, BC, k0, a.tk, d, bz * a.skb, a.skt, a.skd, t);
    load_rows(Vs, v, BC, k0, a.tk, dv, bz * a.svb, a.svt, a.svd, t);
    for (long long e = t; e < BC * d; e += THREADS) dKs[e] = 0.f;
    for (long long e = t; e < BC * dv; e += THREADS) dVs[e] = 0.f;
    __syncthreads();
    for (long long q0 = qstart; q0 < a.tq; q0 += BR) {
      load_rows(Qs, q, BR, q0, a.tq, d, bz * a.sqb, a.sqt, a.sqd, t);
      load_rows(dOs, dout, BR, q0, a.tq, dv, bz * a.sob, a.sot, a.sod, t);
      if (t < BR) {
        const long long qi = q0 + t;
        LSE[t] = qi < a.tq ? ws[bz * a.tq + qi] : INFINITY;
        Dr[t] = qi < a.tq ? ws[a.B * a.tq + bz * a.tq + qi] : 0.f;
      }
      __syncthreads();
      for (int e = t; e < BR * BC; e += THREADS) {
        int r = e / BC, c = e % BC;
        const float s = score(a, bz, q0 + r, k0 + c, Qs + r * d, Ks + c * d);
        const float p = (s == -INFINITY || LSE[r] == INFINITY) ? 0.f : expf(s - LSE[r]);
        P[e] = p;
        dS[e] = p * (dot(dOs + r * dv, Vs + c * dv, dv) - Dr[r]);
      }
      __syncthreads();
      for (long long e = t; e < BC * dv; e += THREADS) {  // dV += P^T dO
        long long c = e / dv, x = e % dv;
        float acc = dVs[e];
        for (int r = 0; r < BR; r++) acc = fmaf(P[r * BC + c], dOs[r * dv + x], acc);
        dVs[e] = acc;
      }
      for (long long e = t; e < BC * d; e += THREADS) {  // dK += dS^T Q
        long long c = e / d, x = e % d;
        float acc = dKs[e];
        for (int r = 0; r < BR; r++) acc = fmaf(dS[r * BC + c], Qs[r * d + x], acc);
        dKs[e] = acc;
      }
      __syncthreads();
    }
    for (long long e = t; e < BC * d; e += THREADS) {
      long long c = e / d, x = e % d, kj = k0 + c;
      if (kj < a.tk) a.dk[(bz * a.tk + kj) * d + x] = a.scale * dKs[e];
    }
    for (long long e = t; e < BC * dv; e += THREADS) {
      long long c = e / dv, x = e % dv, kj = k0 + c;
      if (kj < a.tk) a.dv_out[(bz * a.tk + kj) * dv + x] = dVs[e];
    }
    __syncthreads();
  }
}

}  // namespace

size_t attention_backward_workspace(const AttnBwdArgs& a) { return sizeof(float) * 2 * (size_t)(a.B > 0 ? a.B : 0) * (size_t)(a.tq > 0 ? a.tq : 0); }

void launch_attention_backward(const AttnBwdArgs& a, float* ws, cudaStream_t stream) {
  if (a.B <= 0) return;
  const unsigned gy = (unsigned)(a.B < 65535 ? a.B : 65535);
  if (a.tq > 0) {
    const size_t smem = sizeof(float) * (size_t)(2 * BR * a.d + BR * a.dv + BC * a.d + BC * a.dv + 2 * BR * BC + 3 * BR);
#if defined(__CUDACC__)
    if (smem > 48 * 1024) cudaFuncSetAttribute(attention_bwd_dq_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem);
#endif
    TS_LAUNCH(attention_bwd_dq_kernel, dim3((unsigned)((a.tq + BR - 1) / BR), gy), THREADS, smem, stream, a, ws);
  }
  if (a.tk > 0) {
    const size_t smem = sizeof(float) * (size_t)(2 * BC * a.d + 2 * BC * a.dv + BR * a.d + BR * a.dv + 2 * BR * BC + 2 * BR);
#if defined(__CUDACC__)
    if (smem > 48 * 1024) cudaFuncSetAttribute(attention_bwd_dkdv_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem);
#endif
    TS_LAUNCH(attention_bwd_dkdv_kernel, dim3((unsigned)((a.tk + BC - 1) / BC), gy), THREADS, smem, stream, a, ws);
  }
}

}  // namespace tessera
