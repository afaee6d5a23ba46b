/** Row-wise kernels over a contiguous [outer, n] input: one workgroup per row. */
import type { DType } from '@tessera/core';
import type { WebGpuBackend } from '../webgpu-backend.js';
import type { GpuData } from '../runtime.js';
import { grid } from './wgsl.js';

export const BYTES: Record<DType, number> = { float32: 4, int32: 4, float16: 2, bfloat16: 2, int8: 1, uint8: 1, bool: 1 };

/** Rows and row length of a view whose last axis is reduced: core's one definition. */
export { rows } from '@tessera/core';

/**
 * Threads per row. Short rows get one 32-wide workgroup: a 256-wide one spends most of its time
 * at barriers (SwiftShader switches between its 4-lane SIMD groups at each: ~10x slower at
 * n = 768), and a warp per row suits GPUs too. Long rows keep 256 threads for memory parallelism.
 */
export const rowThreads = (n: number): number => (n > 4096 ? 256 : 32);

/** Entry point of a workgroup-per-row kernel; `row` is in range (rows = pu(0u)) and uniform. */
export const rowMain = (wg: number): string => `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) w: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let row = w.x + w.y * nw.x;
  if (row >= pu(0u)) { return; }
  let t = l.x;`;

/** Workgroup sum / max of one f32 per thread (all `wg` threads must call it); declares `WG`. */
export const wgReduce = (wg: number): string => /* wgsl */ `
const WG = ${wg}u;
var<workgroup> red: array<f32, ${wg}>;
fn wg_sum(v: f32, t: u32) -> f32 {
  red[t] = v; workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) { if (t < s) { red[t] += red[t + s]; } workgroupBarrier(); }
  let r = workgroupUniformLoad(&red[0]); workgroupBarrier(); return r;
}
fn wg_max(v: f32, t: u32) -> f32 {
  red[t] = v; workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) { if (t < s) { red[t] = max(red[t], red[t + s]); } workgroupBarrier(); }
  let r = workgroupUniformLoad(&red[0]); workgroupBarrier(); return r;
}
`;

/** 256-thread versions, for the kernels that always use them. */
export const ROW_MAIN = rowMain(256);
export const WG_REDUCE = wgReduce(256);

export function runRows(backend: WebGpuBackend, code: string, outer: number, inputs: GpuData[], outputs: GpuData[], uniforms: number[]): void {
  if (outer === 0) return;
  const u = [outer, ...uniforms];
  backend.runtime.run({ code, inputs, outputs, uniforms: u, groups: grid(outer, 1) });
}
