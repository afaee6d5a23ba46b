// Scaled-dot-product attention forward, flash-attention style: one block per (batch, tile of BR
// queries) walks the keys in tiles of BC with an online softmax (running max m and sum l per query),
// so only a BR x BC score tile ever exists (no T x T matrix). q / k / v / mask are strided views;
// the mask is additive and may be broadcast (stride 0). causal: query i sees keys j <= i + (tk - tq).
// Fully-masked query rows give 0.
#include "tessera_cuda.h"

namespace tessera {
namespace {

constexpr int BR = 32, BC = 32, THREADS = 128;

__device__ __forceinline__ float load_mask(int dt, const void* p, long long i) {
  if (dt == F16) return f16_to_f32(static_cast<const uint16_t*>(p)[i]);
  if (dt == BF16) return bf16_to_f32(static_cast<const uint16_t*>(p)[i]);
  return static_cast<const float*>(p)[i];
}

template <class T>
__global__ void __launch_bounds__(THREADS) attention_fwd_kernel(AttnArgs a) {
  TS_DYN_SHARED(float, smem);
  const long long d = a.d, dv = a.dv;
  float* Qs = smem;              // [BR][d]
  float* Ks = Qs + BR * d;       // [BC][d]
  float* Vs = Ks + BC * d;       // [BC][dv]
  float* S = Vs + BC * dv;       // [BR][BC]  scores, then probabilities
  float* Os = S + BR * BC;       // [BR][dv]  unnormalised output
  float* M = Os + BR * dv;       // [BR] running max
  float* L = M + BR;             // [BR] running sum
  float* Alpha = L + BR;         // [BR] rescale factor of this tile
  const T* q = static_cast<const T*>(a.q);
  const T* k = static_cast<const T*>(a.k);
  const T* v = static_cast<const T*>(a.v);
  T* o = static_cast<T*>(a.o);
  const int t = threadIdx.x;
  const long long q0 = (long long)blockIdx.x * BR, shift = a.tk - a.tq;
  for (long long bz = blockIdx.y; bz < a.B; bz += gridDim.y) {
    for (long long e = t; e < BR * d; e += THREADS) {
      long long r = e / d, c = e % d, qi = q0 + r;
      Qs[e] = qi < a.tq ? ld(q, bz * a.sqb + qi * a.sqt + c * a.sqd) * a.scale : 0.f;
    }
    for (long long e = t; e < BR * dv; e += THREADS) Os[e] = 0.f;
    if (t < BR) { M[t] = -INFINITY; L[t] = 0.f; }
    // keys beyond the causal limit of this tile's last query are never needed
    long long kend = a.tk;
    if (a.causal) { long long lim = q0 + BR - 1 + shift + 1; kend = lim < kend ? (lim < 0 ? 0 : lim) : kend; }
    __syncthreads();
    for (long long k0 = 0; k0 < kend; k0 += BC) {
      for (long long e = t; e < BC * d; e += THREADS) {
        long long r = e / d, c = e % d, kj = k0 + r;
        Ks[e] = kj < a.tk ? ld(k, bz * a.skb + kj * a.skt + c * a.skd) : 0.f;
      }
      for (long long e = t; e < BC * dv; e += THREADS) {
        long long r = e / dv, c = e % dv, kj = k0 + r;
        Vs[e] = kj < a.tk ? ld(v, bz * a.svb + kj * a.svt + c * a.svd) : 0.f;
      }
      __syncthreads();
      for (int e = t; e < BR * BC; e += THREADS) {  // scores
        int r = e / BC, c = e % BC;
        long long qi = q0 + r, kj = k0 + c;
        float s = -INFINITY;
        if (qi < a.tq && kj < a.tk && !(a.causal && kj > qi + shift)) {
          const float* qr = Qs + r * d;
          const float* kr = Ks + c * d;
          float acc = 0.f;
          for (long long x = 0; x < d; x++) acc = fmaf(qr[x], kr[x], acc);
          if (a.mask) acc += load_mask(a.mask_dtype, a.mask, bz * a.smb + qi * a.smq + kj * a.smk);
          s = acc;
        }
        S[e] = s;
      }
      __syncthreads();
      if (t < BR) {  // online softmax, one thread per query row
        float mt = -INFINITY;
        for (int c = 0; c < BC; c++) mt = fmaxf(mt, S[t * BC + c]);
        const float m_old = M[t], m_new = fmaxf(m_old, mt);
        float sum = 0.f;
        for (int c = 0; c < BC; c++) {
          float p = m_new == -INFINITY ? 0.f : expf(S[t * BC + c] - m_new);
          S[t * BC + c] = p;
          sum += p;
        }
        const float alpha = m_old == -INFINITY ? 0.f : expf(m_old - m_new);
        Alpha[t] = alpha;
        L[t] = L[t] * alpha + sum;
        M[t] = m_new;
      }
      __syncthreads();
      for (long long e = t; e < BR * dv; e += THREADS) {  // O = O * alpha + P V
        long long r = e / dv, c = e % dv;
        float acc = Os[e] * Alpha[r];
        const float* pr = S + r * BC;
        for (int j = 0; j < BC; j++) acc = fmaf(pr[j], Vs[j * dv + c], acc);
        Os[e] = acc;
      }
      __syncthreads();
    }
    for (long long e = t; e < BR * dv; e += THREADS) {
      long long r = e / dv, c = e % dv, qi = q0 + r;
      if (qi >= a.tq) continue;
      float l = L[r];
      st(o, (bz * a.tq + qi) * dv + c, l > 0.f ? Os[e] / l : 0.f);
    }
    __syncthreads();
  }
}

template <class T>
void attention_as(const AttnArgs& a, cudaStream_t stream) {
  const size_t smem = sizeof(float) * (size_t)(BR * a.d + BC * a.d + BC * a.dv + BR * BC + BR * a.dv + 3 * BR);
  const dim3 grid((unsigned)((a.tq + BR - 1) / BR), (unsigned)(a.B < 65535 ? a.B : 65535));
#if defined(__CUDACC__)
  if (smem > 48 * 1024) cudaFuncSetAttribute(attention_fwd_kernel<T>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem);
#endif
  TS_LAUNCH(attention_fwd_kernel<T>, grid, THREADS, smem, stream, a);
}

}  // namespace

void launch_attention(const AttnArgs& a, cudaStream_t stream) {
  if (a.B <= 0 || a.tq <= 0 || a.dv <= 0) return;
  switch (a.dtype) {
    case F32: attention_as<float>(a, stream); break;
    case F16: attention_as<f16>(a, stream); break;
    case BF16: attention_as<bf16>(a, stream); break;
  }
}

}  // namespace tessera
