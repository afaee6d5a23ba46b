import { defineKernel } from '@tessera/core';
import { gpu } from '../util/elementwise.js';
import { UNIFORMS, bindings } from '../util/wgsl.js';

/**
 * Tiled matmul: a 16x16 workgroup computes a 64x64 tile of C, 4x4 outputs per thread, staging
 * 64x16 slabs of A and B in workgroup memory. Strides (batch, row, col) of both operands come in
 * uniforms, so transposed and batch-broadcast (stride 0) views need no copy and no extra pipeline.
 */
const TILE = 64, BK = 16;
const CODE = `${UNIFORMS}${bindings([['A', 'f32'], ['B', 'f32']], [['C', 'f32']])}
var<workgroup> As: array<f32, ${TILE * BK}>;
var<workgroup> Bs: array<f32, ${BK * TILE}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) w: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let M = pu(0u); let N = pu(1u); let K = pu(2u);
  let b = w.z + pu(3u);
  let aBase = pi(4u) + i32(b) * pi(5u); let sAi = pi(6u); let sAk = pi(7u);
  let bBase = pi(8u) + i32(b) * pi(9u); let sBk = pi(10u); let sBj = pi(11u);
  let row0 = w.y * ${TILE}u; let col0 = w.x * ${TILE}u;
  let tid = l.y * 16u + l.x;
  var acc: array<f32, 16>;
  for (var i = 0u; i < 16u; i++) { acc[i] = 0.0; }
  for (var k0 = 0u; k0 < K; k0 += ${BK}u) {
    for (var q = 0u; q < 4u; q++) {
      let e = tid + q * 256u;
      let r = e / ${BK}u; let kk = e % ${BK}u; let gi = row0 + r; let gk = k0 + kk;
      var av = 0.0;
      if (gi < M && gk < K) { av = A[u32(aBase + i32(gi) * sAi + i32(gk) * sAk)]; }
      As[e] = av;
      let kb = e / ${TILE}u; let c = e % ${TILE}u; let gj = col0 + c; let gkb = k0 + kb;
      var bv = 0.0;
      if (gj < N && gkb < K) { bv = B[u32(bBase + i32(gkb) * sBk + i32(gj) * sBj)]; }
      Bs[e] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${BK}u; kk++) {
      var a: array<f32, 4>; var bb: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { a[i] = As[(l.y + 16u * i) * ${BK}u + kk]; bb[i] = Bs[kk * ${TILE}u + l.x + 16u * i]; }
      for (var i = 0u; i < 4u; i++) { for (var j = 0u; j < 4u; j++) { acc[i * 4u + j] = fma(a[i], bb[j], acc[i * 4u + j]); } }
    }
    workgroupBarrier();
  }
  let cBase = b * M * N;
  for (var i = 0u; i < 4u; i++) {
    let gi = row0 + l.y + 16u * i;
    for (var j = 0u; j < 4u; j++) {
      let gj = col0 + l.x + 16u * j;
      if (gi < M && gj < N) { C[cBase + gi * N + gj] = acc[i * 4u + j]; }
    }
  }
}`;

export default defineKernel('matmul', {
  dtypes: ['float32'],
  run: ({ backend, inputs: [a, b], outputs: [c] }) => {
    const [batch, m, k] = a!.shape as [number, number, number];
    const n = b!.shape[2]!;
    if (m === 0 || n === 0 || batch === 0) return;
    const gx = Math.ceil(n / TILE), gy = Math.ceil(m / TILE);
    // k == 0 still runs: the loop is skipped and C gets zeros.
    for (let z0 = 0; z0 < batch; z0 += 65535) {
      const u = [m, n, k, z0, a!.offset, a!.strides[0]!, a!.strides[1]!, a!.strides[2]!, b!.offset, b!.strides[0]!, b!.strides[1]!, b!.strides[2]!];
      backend.runtime.run({
        code: CODE, inputs: [gpu(a!), gpu(b!)], outputs: [gpu(c!)],
        uniforms: u.map((x) => x >>> 0), groups: [gx, gy, Math.min(65535, batch - z0)],
      });
    }
  },
});
