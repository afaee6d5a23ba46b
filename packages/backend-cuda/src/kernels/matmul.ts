import { defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { DTYPE_CODES, FLOATS, addr } from '../util/ops.js';

// Batched GEMM on strided views: cuBLAS when it loads (real device), else Tessera's own tiled
// kernels (tensor cores for f16 / bf16 on sm_80+). Trans flags need no branch: strides say it all.
export default defineKernel<'matmul', CudaBackend>('matmul', {
  dtypes: FLOATS,
  run: ({ backend: { native }, inputs: [a, b], outputs: [c] }) => {
    const [batch, M, K] = a!.shape as [number, number, number];
    const N = b!.shape[2]!;
    if (batch * M * N === 0) return;
    native.matmul(DTYPE_CODES[a!.dtype], batch, M, N, K, addr(a!), a!.strides[0]!, a!.strides[1]!, a!.strides[2]!,
      addr(b!), b!.strides[0]!, b!.strides[1]!, b!.strides[2]!, addr(c!));
  },
});
