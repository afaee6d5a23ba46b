#!/usr/bin/env bash
# gpu-check.sh — the ONE script to run on a machine with an NVIDIA GPU (sm_80 / sm_90):
#   1. builds the repo (both addons: nvcc for sm_80;sm_90 + the simulator),
#   2. runs the conformance suite on the real `cuda` backend (and the backend tests),
#   3. benchmarks matmul fp32 / bf16 at 4096^3 and 8192^3 (cuBLAS and Tessera's own kernels) and
#      attention forward and forward+backward against PyTorch, printing one table of ratios.
# Goals: matmul >= 0.95x PyTorch with cuBLAS, own kernels >= 0.7x, attention >= 0.7x.
# Needs: node >= 20, npm, cmake >= 3.18, nvcc (CUDA toolkit 13; the driver must support CUDA 13),
# python3 with torch (CUDA build) for the comparison (skipped with a note when absent).
# UNVERIFIED: written without access to a GPU.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
export CUDACXX="${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
out="${TMPDIR:-/tmp}/tessera-gpu-check"
mkdir -p "$out"

echo "== device"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || echo "(nvidia-smi not found)"

echo "== build"
[ -d node_modules ] || npm ci --no-audit --no-fund
npx turbo run build --filter=@tessera/backend-cuda... --output-logs=errors-only
ls -la packages/backend-cuda/build/Release/

echo "== conformance on cuda (must not skip here)"
(cd packages/backend-cuda && TESSERA_REQUIRE_CUDA=1 npx vitest run test/conformance-cuda.test.ts test/backend.test.ts)

echo "== benchmarks"
node "$here/bench/bench-tessera.mjs" > "$out/tessera.json"
if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  python3 "$here/bench/bench_torch.py" > "$out/torch.json"
else
  echo "(PyTorch with CUDA not found: table without the PyTorch column)"
  echo '{}' > "$out/torch.json"
fi
node "$here/bench/table.mjs" "$out/tessera.json" "$out/torch.json"
