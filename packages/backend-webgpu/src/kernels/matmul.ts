import { defineKernel } from '@tessera/core';
import { gpu } from '../util/elementwise.js';
import { UNIFORMS, floatIo } from '../util/wgsl.js';

/**
 * Tiled matmul: a 16x16 workgroup computes a 128x128 tile of C, 8x8 outputs per thread (vec4
 * accumulators), staging 128x8 slabs of A and B in workgroup memory. Strides (batch, row, col) of both operands come in
 * uniforms, so transposed and batch-broadcast (stride 0) views need no copy and no extra pipeline.
 */
const TILE = 128, BK = 8;
const R = ['a0.x', 'a0.y', 'a0.z', 'a0.w', 'a1.x', 'a1.y', 'a1.z', 'a1.w'];
// The 8x8 outer product of one k step, unrolled in the source (SwiftShader's JIT does not unroll).
const INNER = Array.from({ length: BK }, (_, kk) =>
  `a0 = As[${kk * 32}u + l.y]; a1 = As[${kk * 32 + 16}u + l.y]; b0 = Bs[${kk * 32}u + l.x]; b1 = Bs[${kk * 32 + 16}u + l.x];\n    ` +
  R.map((r, i) => `c${i}0 += ${r} * b0; c${i}1 += ${r} * b1;`).join(' ')).join('\n    ');
const DECL = R.map((_, i) => `var c${i}0 = vec4<f32>(0.0); var c${i}1 = vec4<f32>(0.0);`).join(' ');
// Thread rows 4·l.y + {0..3} and 64 + 4·l.y + {0..3}; columns likewise with l.x.
const STORE = R.map((_, i) => {
  const row = `row0 + ${i < 4 ? 0 : 64}u + l.y * 4u + ${i % 4}u`;
  return `st(${row}, col0 + l.x * 4u, c${i}0, M, N, cb); st(${row}, col0 + 64u + l.x * 4u, c${i}1, M, N, cb);`;
}).join('\n  ');
const code = (h: boolean): string => `${UNIFORMS}${floatIo(h, ['A', 'B'], ['C'])}
// As[k][rows 4g..4g+3] and Bs[k][cols 4g..4g+3] as vec4 (g < 32): four workgroup loads feed 64 FMAs.
var<workgroup> As: array<vec4<f32>, ${BK * 32}>;
var<workgroup> Bs: array<vec4<f32>, ${BK * 32}>;
fn tileA(base: i32, i: u32, k: u32, M: u32, K: u32, si: i32, sk: i32) -> f32 {
  if (i < M && k < K) { return ldA(u32(base + i32(i) * si + i32(k) * sk)); } return 0.0;
}
fn tileB(base: i32, k: u32, j: u32, N: u32, K: u32, sk: i32, sj: i32) -> f32 {
  if (j < N && k < K) { return ldB(u32(base + i32(k) * sk + i32(j) * sj)); } return 0.0;
}
fn st(r: u32, c: u32, v: vec4<f32>, M: u32, N: u32, cb: u32) {
  if (r >= M) { return; }
  for (var j = 0u; j < 4u; j++) { if (c + j < N) { stC(cb + r * N + c + j, v[j]); } }
}
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) w: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let M = pu(0u); let N = pu(1u); let K = pu(2u);
  let bz = w.z + pu(3u);
  let aBase = pi(4u) + i32(bz) * pi(5u); let sAi = pi(6u); let sAk = pi(7u);
  let bBase = pi(8u) + i32(bz) * pi(9u); let sBk = pi(10u); let sBj = pi(11u);
  let row0 = w.y * ${TILE}u; let col0 = w.x * ${TILE}u;
  let tid = l.y * 16u + l.x;
  let lk = tid / 32u; let lg = (tid % 32u) * 4u;
  ${DECL}
  var a0: vec4<f32>; var a1: vec4<f32>; var b0: vec4<f32>; var b1: vec4<f32>;
  for (var k0 = 0u; k0 < K; k0 += ${BK}u) {
    let k = k0 + lk; let i = row0 + lg; let j = col0 + lg;
    As[tid] = vec4<f32>(tileA(aBase, i, k, M, K, sAi, sAk), tileA(aBase, i + 1u, k, M, K, sAi, sAk),
                        tileA(aBase, i + 2u, k, M, K, sAi, sAk), tileA(aBase, i + 3u, k, M, K, sAi, sAk));
    Bs[tid] = vec4<f32>(tileB(bBase, k, j, N, K, sBk, sBj), tileB(bBase, k, j + 1u, N, K, sBk, sBj),
                        tileB(bBase, k, j + 2u, N, K, sBk, sBj), tileB(bBase, k, j + 3u, N, K, sBk, sBj));
    workgroupBarrier();
    ${INNER}
    workgroupBarrier();
  }
  let cb = bz * M * N;
  ${STORE}
}`;
const CODES = [code(false), code(true)]; // f32; f16 storage (f32 accumulation)

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
        code: CODES[+(a!.dtype === 'float16')]!, inputs: [gpu(a!), gpu(b!)], outputs: [gpu(c!)],
        uniforms: u.map((x) => x >>> 0), groups: [gx, gy, Math.min(65535, batch - z0)],
      });
    }
  },
});
