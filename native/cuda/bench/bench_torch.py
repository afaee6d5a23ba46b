# PyTorch timings for the cases of bench-tessera.mjs, as JSON {case: ms}. Used by gpu-check.sh.
import json, sys, torch
import torch.nn.functional as F

torch.backends.cuda.matmul.allow_tf32 = False  # fp32 stays fp32, as in Tessera
res = {}

def time(name, fn, iters):
    fn(); torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iters): fn()
    end.record(); torch.cuda.synchronize()
    res[name] = start.elapsed_time(end) / iters
    print(f"{name}: {res[name]:.3f} ms", file=sys.stderr)

for n in (4096, 8192):
    for dtype, tname in ((torch.float32, 'float32'), (torch.bfloat16, 'bfloat16')):
        a = torch.randn(n, n, device='cuda', dtype=dtype); b = torch.randn(n, n, device='cuda', dtype=dtype)
        time(f"matmul {tname} {n}^3", lambda: torch.matmul(a, b), 5 if n == 8192 else 20)

B, H, T, D = 4, 16, 2048, 64
for causal in (False, True):
    q, k, v = (torch.randn(B, H, T, D, device='cuda', dtype=torch.bfloat16) for _ in range(3))
    suffix = ' causal' if causal else ''
    time(f"attention fwd bf16 {B}x{H}x{T}x{D}{suffix}", lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal), 10)
    qg, kg, vg = (t.clone().requires_grad_() for t in (q, k, v))
    def fb():
        o = F.scaled_dot_product_attention(qg, kg, vg, is_causal=causal)
        o.sum().backward()
        qg.grad = kg.grad = vg.grad = None
    time(f"attention fwd+bwd bf16 {B}x{H}x{T}x{D}{suffix}", fb, 5)
print(json.dumps(res, indent=1))
