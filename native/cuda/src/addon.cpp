// N-API glue (node-addon-api, C++ exceptions): storage, copies and one entry per kernel family.
// Device pointers travel to JavaScript as numbers (exact below 2^53). Errors become JS errors with
// `code` (ERR_NO_CUDA_DEVICE / ERR_OUT_OF_MEMORY / ERR_CUDA), `cudaError` and `bytes`; the
// TypeScript side turns them into TesseraError subclasses.
#include <napi.h>
#include <cstring>
#include <string>
#include "runtime.h"
#include "tessera_cuda.h"
#ifndef TS_CUDA_SIM
#include "cublas.h"
#endif

using namespace tessera;

namespace {

Napi::Error to_js(Napi::Env env, const DeviceError& e) {
  Napi::Error err = Napi::Error::New(env, e.what());
  err.Set("code", e.code);
  err.Set("cudaError", e.name);
  if (e.bytes) err.Set("bytes", Napi::Number::New(env, (double)e.bytes));
  return err;
}

using Fn = Napi::Value (*)(const Napi::CallbackInfo&);
template <Fn F> Napi::Value guard(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const DeviceError& e) {
    throw to_js(info.Env(), e);
  }
}

inline double num(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }
inline long long i64(const Napi::CallbackInfo& info, size_t i) { return (long long)num(info, i); }
inline int i32(const Napi::CallbackInfo& info, size_t i) { return (int)num(info, i); }
inline float f32(const Napi::CallbackInfo& info, size_t i) { return (float)num(info, i); }
inline void* ptr(const Napi::CallbackInfo& info, size_t i) { return (void*)(uintptr_t)num(info, i); }

// shape array + one stride array per operand -> Strided
Strided strided(const Napi::CallbackInfo& info, size_t shape_at, int operands) {
  Strided s{};
  Napi::Array shape = info[shape_at].As<Napi::Array>();
  s.nd = (int)shape.Length();
  if (s.nd > kMaxDims) throw Napi::Error::New(info.Env(), "cuda: too many non-mergeable dims in a strided view");
  s.numel = 1;
  for (int d = 0; d < s.nd; d++) { s.shape[d] = (long long)shape.Get(d).As<Napi::Number>().DoubleValue(); s.numel *= s.shape[d]; }
  for (int q = 0; q < operands; q++) {
    Napi::Array st = info[shape_at + 1 + q].As<Napi::Array>();
    for (int d = 0; d < s.nd; d++) s.st[q][d] = (long long)st.Get(d).As<Napi::Number>().DoubleValue();
  }
  return s;
}

Napi::Value undef(const Napi::CallbackInfo& info) { return info.Env().Undefined(); }

// ---------------------------------------------------------------------------- runtime / storage
Napi::Value Init(const Napi::CallbackInfo& info) {
  device::init();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("description", device::describe());
  o.Set("simulated", device::simulated());
  return o;
}
Napi::Value Alloc(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), (double)(uintptr_t)allocator().alloc((size_t)num(info, 0)));
}
Napi::Value Free(const Napi::CallbackInfo& info) { allocator().free(ptr(info, 0)); return undef(info); }
Napi::Value Write(const Napi::CallbackInfo& info) {
  Napi::Uint8Array bytes = info[1].As<Napi::Uint8Array>();
  device::write((char*)ptr(info, 0) + (size_t)num(info, 2), bytes.Data(), bytes.ByteLength());
  return undef(info);
}
Napi::Value ReadSync(const Napi::CallbackInfo& info) {
  size_t n = (size_t)num(info, 2);
  Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), n);
  device::read(out.Data(), (const char*)ptr(info, 0) + (size_t)num(info, 1), n);
  return out;
}

class ReadWorker : public Napi::AsyncWorker {
 public:
  ReadWorker(Napi::Env env, device::PendingRead* r, size_t n)
      : Napi::AsyncWorker(env), r_(r), n_(n), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    try { device::read_wait(r_); } catch (const DeviceError& e) { code_ = e.code; name_ = e.name; SetError(e.what()); }
  }
  void OnOK() override {
    Napi::Uint8Array out = Napi::Uint8Array::New(Env(), n_);
    device::read_finish(r_, out.Data());
    deferred_.Resolve(out);
  }
  void OnError(const Napi::Error& e) override {
    std::string tmp(n_, '\0');
    device::read_finish(r_, tmp.data());
    Napi::Error err = Napi::Error::New(Env(), e.Message());
    err.Set("code", code_);
    err.Set("cudaError", name_);
    deferred_.Reject(err.Value());
  }
 private:
  device::PendingRead* r_;
  size_t n_;
  Napi::Promise::Deferred deferred_;
  std::string code_, name_;
};

Napi::Value Read(const Napi::CallbackInfo& info) {
  size_t n = (size_t)num(info, 2);
  const char* src = (const char*)ptr(info, 0) + (size_t)num(info, 1);
  if (device::simulated()) {  // everything already ran: resolve now
    auto d = Napi::Promise::Deferred::New(info.Env());
    Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), n);
    device::read(out.Data(), src, n);
    d.Resolve(out);
    return d.Promise();
  }
  auto* w = new ReadWorker(info.Env(), device::read_begin(src, n), n);
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}
Napi::Value CopyBytes(const Napi::CallbackInfo& info) {
  device::copy(ptr(info, 0), ptr(info, 1), (size_t)num(info, 2));
  return undef(info);
}
Napi::Value Synchronize(const Napi::CallbackInfo& info) { device::synchronize(); return undef(info); }
Napi::Value MemoryStats(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  auto& a = allocator();
  o.Set("allocatedBytes", (double)a.allocated());
  o.Set("reservedBytes", (double)a.reserved());
  o.Set("peakBytes", (double)a.peak());
  o.Set("liveBlocks", (double)a.live_blocks());
  return o;
}
Napi::Value EmptyCache(const Napi::CallbackInfo& info) { allocator().empty_cache(); return undef(info); }
Napi::Value SetMemoryLimit(const Napi::CallbackInfo& info) { allocator().limit = (size_t)num(info, 0); return undef(info); }
Napi::Value GemmInfo(const Napi::CallbackInfo& info) {
#ifdef TS_CUDA_SIM
  return Napi::String::New(info.Env(), "simulator: Tessera's own GEMM kernels (plain path)");
#else
  return Napi::String::New(info.Env(), cublas::status());
#endif
}
Napi::Value SetCublas(const Napi::CallbackInfo& info) {
#ifndef TS_CUDA_SIM
  cublas::set_enabled(info[0].ToBoolean());
#endif
  return undef(info);
}

// ---------------------------------------------------------------------------------- kernels
Napi::Value Unary(const Napi::CallbackInfo& info) {  // (op, dtype, x, y, shape, sx, sy)
  launch_unary(i32(info, 0), i32(info, 1), ptr(info, 2), ptr(info, 3), strided(info, 4, 2), device::stream());
  device::check("unary kernel");
  return undef(info);
}
Napi::Value Binary(const Napi::CallbackInfo& info) {  // (op, dtype, a, b, y, shape, sa, sb, sy)
  launch_binary(i32(info, 0), i32(info, 1), ptr(info, 2), ptr(info, 3), ptr(info, 4), strided(info, 5, 3), device::stream());
  device::check("binary kernel");
  return undef(info);
}
Napi::Value Where(const Napi::CallbackInfo& info) {  // (condSize, esize, c, a, b, y, shape, sc, sa, sb)
  launch_where(i32(info, 0), i32(info, 1), ptr(info, 2), ptr(info, 3), ptr(info, 4), ptr(info, 5), strided(info, 6, 3), device::stream());
  device::check("where kernel");
  return undef(info);
}
Napi::Value Cast(const Napi::CallbackInfo& info) {  // (from, to, x, y, shape, sx, sy)
  launch_cast(i32(info, 0), i32(info, 1), ptr(info, 2), ptr(info, 3), strided(info, 4, 2), device::stream());
  device::check("cast kernel");
  return undef(info);
}
Napi::Value Copy(const Napi::CallbackInfo& info) {  // (esize, x, y, shape, sx, sy)
  launch_copy(i32(info, 0), ptr(info, 1), ptr(info, 2), strided(info, 3, 2), device::stream());
  device::check("copy kernel");
  return undef(info);
}
Napi::Value Reduce(const Napi::CallbackInfo& info) {  // (op, dtype, x, y, outer, n)
  launch_reduce(i32(info, 0), i32(info, 1), ptr(info, 2), ptr(info, 3), i64(info, 4), i64(info, 5), device::stream());
  device::check("reduce kernel");
  return undef(info);
}
Napi::Value Softmax(const Napi::CallbackInfo& info) {  // (dtype, log, x, y, outer, n)
  launch_softmax(i32(info, 0), info[1].ToBoolean(), ptr(info, 2), ptr(info, 3), i64(info, 4), i64(info, 5), device::stream());
  device::check("softmax kernel");
  return undef(info);
}
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {  // (dtype, x, w, b, y, outer, n, eps)
  launch_layernorm(i32(info, 0), ptr(info, 1), ptr(info, 2), ptr(info, 3), ptr(info, 4), i64(info, 5), i64(info, 6), f32(info, 7), device::stream());
  device::check("layerNorm kernel");
  return undef(info);
}
Napi::Value RmsNorm(const Napi::CallbackInfo& info) {  // (dtype, x, w, y, outer, n, eps)
  launch_rmsnorm(i32(info, 0), ptr(info, 1), ptr(info, 2), ptr(info, 3), i64(info, 4), i64(info, 5), f32(info, 6), device::stream());
  device::check("rmsNorm kernel");
  return undef(info);
}
Napi::Value CrossEntropy(const Napi::CallbackInfo& info) {  // (dtype, logits, target, loss, rows, c, ignore, smoothing)
  launch_cross_entropy(i32(info, 0), ptr(info, 1), (const int*)ptr(info, 2), (float*)ptr(info, 3), i64(info, 4), i64(info, 5),
                       i32(info, 6), f32(info, 7), device::stream());
  device::check("crossEntropy kernel");
  return undef(info);
}
Napi::Value IndexSelect(const Napi::CallbackInfo& info) {  // (esize, x, idx, y, outer, d, inner, n)
  launch_index_select(i32(info, 0), ptr(info, 1), (const int*)ptr(info, 2), ptr(info, 3), i64(info, 4), i64(info, 5), i64(info, 6), i64(info, 7), device::stream());
  device::check("indexSelect kernel");
  return undef(info);
}
Napi::Value Gather(const Napi::CallbackInfo& info) {  // (esize, x, idx, y, outer, d, inner, n)
  launch_gather(i32(info, 0), ptr(info, 1), (const int*)ptr(info, 2), ptr(info, 3), i64(info, 4), i64(info, 5), i64(info, 6), i64(info, 7), device::stream());
  device::check("gather kernel");
  return undef(info);
}
Napi::Value ScatterAdd(const Napi::CallbackInfo& info) {  // (dtype, base, idx, src, y, outer, d, inner, n)
  launch_scatter_add(i32(info, 0), ptr(info, 1), (const int*)ptr(info, 2), ptr(info, 3), ptr(info, 4), i64(info, 5), i64(info, 6), i64(info, 7),
                     i64(info, 8), device::stream());
  device::check("scatterAdd kernel");
  return undef(info);
}
Napi::Value Random(const Napi::CallbackInfo& info) {  // (dist, k0, k1, offset, low, range, y, n)
  launch_random(i32(info, 0), (uint32_t)num(info, 1), (uint32_t)num(info, 2), (uint32_t)num(info, 3), i32(info, 4), (uint32_t)num(info, 5),
                ptr(info, 6), i64(info, 7), device::stream());
  device::check("random kernel");
  return undef(info);
}
Napi::Value AdamW(const Napi::CallbackInfo& info) {  // (p, g, m, v, p2, m2, v2, n, lr, b1, b2, eps, wd, bc1, bc2)
  launch_adamw((const float*)ptr(info, 0), (const float*)ptr(info, 1), (const float*)ptr(info, 2), (const float*)ptr(info, 3), (float*)ptr(info, 4),
               (float*)ptr(info, 5), (float*)ptr(info, 6), i64(info, 7), f32(info, 8), f32(info, 9), f32(info, 10), f32(info, 11), f32(info, 12),
               f32(info, 13), f32(info, 14), device::stream());
  device::check("adamw kernel");
  return undef(info);
}
// (dtype, batch, M, N, K, a, sab, sam, sak, b, sbb, sbk, sbn, c) -> 'cublas' | 'tessera'
Napi::Value Matmul(const Napi::CallbackInfo& info) {
  GemmArgs g{};
  g.dtype = i32(info, 0); g.batch = i64(info, 1); g.M = i64(info, 2); g.N = i64(info, 3); g.K = i64(info, 4);
  g.a = ptr(info, 5); g.sab = i64(info, 6); g.sam = i64(info, 7); g.sak = i64(info, 8);
  g.b = ptr(info, 9); g.sbb = i64(info, 10); g.sbk = i64(info, 11); g.sbn = i64(info, 12);
  g.c = ptr(info, 13);
#ifndef TS_CUDA_SIM
  if (cublas::gemm(g, device::stream())) { device::check("cuBLAS GEMM"); return Napi::String::New(info.Env(), "cublas"); }
#endif
  launch_gemm(g, device::stream());
  device::check("matmul kernel");
  return Napi::String::New(info.Env(), "tessera");
}
// (dtype, B, tq, tk, d, dv, q, sqb, sqt, sqd, k, skb, skt, skd, v, svb, svt, svd, mask, maskDtype, smb, smq, smk, o, scale, causal)
Napi::Value Attention(const Napi::CallbackInfo& info) {
  AttnArgs a{};
  a.dtype = i32(info, 0); a.B = i64(info, 1); a.tq = i64(info, 2); a.tk = i64(info, 3); a.d = i64(info, 4); a.dv = i64(info, 5);
  a.q = ptr(info, 6); a.sqb = i64(info, 7); a.sqt = i64(info, 8); a.sqd = i64(info, 9);
  a.k = ptr(info, 10); a.skb = i64(info, 11); a.skt = i64(info, 12); a.skd = i64(info, 13);
  a.v = ptr(info, 14); a.svb = i64(info, 15); a.svt = i64(info, 16); a.svd = i64(info, 17);
  a.mask = ptr(info, 18); a.mask_dtype = i32(info, 19); a.smb = i64(info, 20); a.smq = i64(info, 21); a.smk = i64(info, 22);
  a.o = ptr(info, 23); a.scale = f32(info, 24); a.causal = info[25].ToBoolean();
  launch_attention(a, device::stream());
  device::check("attention kernel");
  return undef(info);
}

// (B, tq, tk, d, dv, q, sqb, sqt, sqd, k, skb, skt, skd, v, svb, svt, svd, mask, maskDtype, smb, smq, smk,
//  dout, sob, sot, sod, dq, dk, dv, scale, causal) -- float32
Napi::Value AttentionBackward(const Napi::CallbackInfo& info) {
  AttnBwdArgs a{};
  a.B = i64(info, 0); a.tq = i64(info, 1); a.tk = i64(info, 2); a.d = i64(info, 3); a.dv = i64(info, 4);
  a.q = ptr(info, 5); a.sqb = i64(info, 6); a.sqt = i64(info, 7); a.sqd = i64(info, 8);
  a.k = ptr(info, 9); a.skb = i64(info, 10); a.skt = i64(info, 11); a.skd = i64(info, 12);
  a.v = ptr(info, 13); a.svb = i64(info, 14); a.svt = i64(info, 15); a.svd = i64(info, 16);
  a.mask = ptr(info, 17); a.mask_dtype = i32(info, 18); a.smb = i64(info, 19); a.smq = i64(info, 20); a.smk = i64(info, 21);
  a.dout = ptr(info, 22); a.sob = i64(info, 23); a.sot = i64(info, 24); a.sod = i64(info, 25);
  a.dq = (float*)ptr(info, 26); a.dk = (float*)ptr(info, 27); a.dv_out = (float*)ptr(info, 28);
  a.scale = f32(info, 29); a.causal = info[30].ToBoolean();
  const size_t bytes = attention_backward_workspace(a);
  float* ws = bytes ? (float*)allocator().alloc(bytes) : nullptr;
  try {
    launch_attention_backward(a, ws, device::stream());
    device::check("attention backward kernel");
  } catch (...) {
    if (ws) allocator().free(ws);
    throw;
  }
  if (ws) allocator().free(ws);  // stream-ordered: safe after the enqueued kernels
  return undef(info);
}

Napi::Object Setup(Napi::Env env, Napi::Object exports) {
#define EXPORT(name, fn) exports.Set(name, Napi::Function::New(env, guard<fn>, name))
  EXPORT("init", Init); EXPORT("alloc", Alloc); EXPORT("free", Free); EXPORT("write", Write); EXPORT("readSync", ReadSync);
  EXPORT("read", Read); EXPORT("copyBytes", CopyBytes); EXPORT("synchronize", Synchronize); EXPORT("memoryStats", MemoryStats);
  EXPORT("emptyCache", EmptyCache); EXPORT("setMemoryLimit", SetMemoryLimit); EXPORT("gemmInfo", GemmInfo); EXPORT("setCublas", SetCublas);
  EXPORT("unary", Unary); EXPORT("binary", Binary); EXPORT("where", Where); EXPORT("cast", Cast); EXPORT("copy", Copy);
  EXPORT("reduce", Reduce); EXPORT("softmax", Softmax); EXPORT("layerNorm", LayerNorm); EXPORT("rmsNorm", RmsNorm);
  EXPORT("crossEntropy", CrossEntropy); EXPORT("indexSelect", IndexSelect); EXPORT("gather", Gather); EXPORT("scatterAdd", ScatterAdd);
  EXPORT("random", Random); EXPORT("adamw", AdamW); EXPORT("matmul", Matmul); EXPORT("attention", Attention);
  EXPORT("attentionBackward", AttentionBackward);
#undef EXPORT
#ifdef TS_CUDA_SIM
  exports.Set("flavor", "cuda-sim");
#else
  exports.Set("flavor", "cuda");
#endif
  return exports;
}

}  // namespace

NODE_API_MODULE(NODE_GYP_MODULE_NAME, Setup)
