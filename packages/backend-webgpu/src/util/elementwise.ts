/**
 * One generated kernel for every elementwise op over strided views: shapes, strides and offsets
 * travel in the uniform slot, so the pipeline depends only on the op and the dtypes.
 */
import { coalesceForKernel, type DType, type KernelArgs, type TensorView } from '@tessera/core';
import type { WebGpuBackend } from '../webgpu-backend.js';
import type { GpuData } from '../runtime.js';
import { CONVERSIONS, LINEAR_ID, MAIN_256, UNIFORMS, bindings, grid, loader, storeElem, storer } from './wgsl.js';


export const gpu = (v: TensorView): GpuData => v.data as GpuData;

export interface ElementwiseSpec {
  /** The op, for errors. */
  op: string;
  inputs: readonly TensorView[];
  output: TensorView;
  /** WGSL expression of the loaded values `a`, `b`, `c` giving the output's value type. */
  expr: string;
  /** Extra WGSL functions the expression calls. */
  fns?: string;
  /** Up to 16 extra words (params at pu(48u)...). */
  params?: number[];
}

export function runElementwise(backend: WebGpuBackend, spec: ElementwiseSpec): void {
  const { inputs, output: y } = spec;
  const n = y.shape.reduce((p, s) => p * s, 1);
  if (n === 0) return;
  // uniform slots hold MAX_DIMS (8) dims: shape at u[8..15], strides at u[16 + 8 t + d]
  const { shape, strides } = coalesceForKernel(`webgpu ${spec.op}`, y.shape, [y.strides, ...inputs.map((x) => x.strides)]);
  const names = ['a', 'b', 'c'];
  let code = UNIFORMS + CONVERSIONS + bindings(inputs.map((_, i) => [`X${i}`, 'u32']), [['Y', storeElem(y.dtype)]]);
  inputs.forEach((x, i) => (code += loader(`ld${i}`, `X${i}`, x.dtype)));
  code += storer('st', 'Y', y.dtype) + (spec.fns ?? '');
  const offs = inputs.map((_, i) => `var o${i} = pi(${3 + i}u);`).join(' ');
  const loads = inputs.map((_, i) => `let ${names[i]} = ld${i}(u32(o${i}));`).join(' ');
  // One dim (contiguous, sliced or broadcast views): no per-element division, which software
  // adapters (SwiftShader) run several times slower than the op itself.
  const index = shape.length <= 1
    ? `let lin = i32(gi); oy += lin * pi(16u); ${inputs.map((_, i) => `o${i} += lin * pi(${24 + 8 * i}u);`).join(' ')}`
    : `var r = gi;
  for (var d = i32(pu(1u)) - 1; d >= 0; d--) {
    let k = u32(d); let s = pu(8u + k); let c = i32(r % s); r = r / s;
    oy += c * pi(16u + k); ${inputs.map((_, i) => `o${i} += c * pi(${24 + 8 * i}u + k);`).join(' ')}
  }`;
  code += `${MAIN_256} {
  ${LINEAR_ID}
  if (gi >= pu(0u)) { return; }
  var oy = pi(2u); ${offs}
  ${index}
  ${loads}
  st(u32(oy), ${spec.expr});
}`;
  const u = new Array<number>(64).fill(0);
  u[0] = n; u[1] = shape.length; u[2] = y.offset;
  inputs.forEach((x, i) => (u[3 + i] = x.offset));
  shape.forEach((s, d) => {
    u[8 + d] = s;
    strides.forEach((st, t) => (u[16 + 8 * t + d] = st[d]! >>> 0));
  });
  (spec.params ?? []).forEach((p, i) => (u[48 + i] = p));
  backend.runtime.run({ code, inputs: inputs.map(gpu), outputs: [gpu(y)], uniforms: u, groups: grid(n) });
}

/** A unary kernel body: `expr` of `a`. */
export function unary(op: string, expr: string, fns = '') {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- shared by the kernels of several ops (attributes differ per op)
  return ({ backend, inputs: [x], outputs: [y] }: KernelArgs<any, WebGpuBackend>): void =>
    runElementwise(backend, { op, inputs: [x!], output: y!, expr, fns });
}

/** A binary kernel body: `expr` of `a` and `b` (a per-dtype choice when it differs). */
export function binary(op: string, expr: string | ((d: DType) => string), fns = '') {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- shared by the kernels of several ops (attributes differ per op)
  return ({ backend, inputs: [a, b], outputs: [y] }: KernelArgs<any, WebGpuBackend>): void =>
    runElementwise(backend, { op, inputs: [a!, b!], output: y!, expr: typeof expr === 'string' ? expr : expr(a!.dtype), fns });
}
