/**
 * WGSL building blocks. Every buffer is bound as array<u32> (or a typed array for the fused f32
 * kernels): dtypes narrower than 32 bits are packed, read by shifting and written with atomic
 * and/or (so neighbouring threads, or strided copy windows, never clobber each other's bytes).
 */
import type { DType } from '@tessera/core';

/** Binding 0: one 256-byte uniform slot (64 words), read as u32 / i32 / f32. */
export const UNIFORMS = /* wgsl */ `
struct Slot { v: array<vec4<u32>, 16> };
@group(0) @binding(0) var<uniform> P: Slot;
fn pu(i: u32) -> u32 { return P.v[i >> 2u][i & 3u]; }
fn pi(i: u32) -> i32 { return bitcast<i32>(pu(i)); }
fn pf(i: u32) -> f32 { return bitcast<f32>(pu(i)); }
// Non-finite constants are rejected by WGSL's constant evaluation: build them from a (zero) uniform word.
fn inf_() -> f32 { return bitcast<f32>(0x7f800000u | (pu(63u) & 0u)); }
fn ninf_() -> f32 { return bitcast<f32>(0xff800000u | (pu(63u) & 0u)); }
fn nan_() -> f32 { return bitcast<f32>(0x7fc00000u | (pu(63u) & 0u)); }
`;

export type Elem = 'u32' | 'f32' | 'i32' | 'atomic<u32>';

/** Storage bindings 1..: inputs read-only, then outputs read-write, in the order given. */
export function bindings(inputs: [string, Elem][], outputs: [string, Elem][]): string {
  let b = 1, s = '';
  for (const [n, t] of inputs) s += `@group(0) @binding(${b++}) var<storage, read> ${n}: array<${t}>;\n`;
  for (const [n, t] of outputs) s += `@group(0) @binding(${b++}) var<storage, read_write> ${n}: array<${t}>;\n`;
  return s;
}

/** The linear invocation index of a 256-wide 1-D grid laid out over (x, y) workgroups. */
export const LINEAR_ID = 'let gi = g.x + g.y * nw.x * 256u;';
export const MAIN_256 = '@compute @workgroup_size(256)\nfn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>)';

/** Workgroups for n invocations of 256 threads, over x then y (x ≤ 65535). */
export function grid(n: number, perGroup = 256): [number, number] {
  const groups = Math.ceil(n / perGroup);
  if (groups <= 65535) return [groups, 1];
  return [65535, Math.ceil(groups / 65535)];
}

export const isFloatDType = (d: DType): boolean => d === 'float32' || d === 'float16' || d === 'bfloat16';
/** The WGSL type kernels compute in for a dtype. */
export const valueType = (d: DType): 'f32' | 'i32' => (isFloatDType(d) ? 'f32' : 'i32');
export const isNarrow = (d: DType): boolean => d !== 'float32' && d !== 'int32';

export const CONVERSIONS = /* wgsl */ `
fn f16_to_f32(h: u32) -> f32 {
  let s = (h & 0x8000u) << 16u; let e = (h >> 10u) & 0x1fu; let m = h & 0x3ffu;
  if (e == 0u) { let v = f32(m) * 5.9604644775390625e-8; return select(v, -v, s != 0u); }
  if (e == 31u) { return bitcast<f32>(s | 0x7f800000u | (m << 13u)); }
  return bitcast<f32>(s | ((e + 112u) << 23u) | (m << 13u));
}
fn f32_to_f16(x: f32) -> u32 {
  let b = bitcast<u32>(x); let s = (b >> 16u) & 0x8000u; let a = b & 0x7fffffffu;
  if (a > 0x7f800000u) { return s | 0x7e00u; }
  if (a >= 0x477ff000u) { return s | 0x7c00u; }
  if (a >= 0x38800000u) { let r = a - 0x38000000u; return s | ((r + 0xfffu + ((r >> 13u) & 1u)) >> 13u); }
  if (a <= 0x33000000u) { return s; }
  let e = a >> 23u; let mant = (a & 0x7fffffu) | 0x800000u; let sh = 126u - e;
  let q = mant >> sh; let rem = mant & ((1u << sh) - 1u); let half = 1u << (sh - 1u);
  return s | select(q, q + 1u, rem > half || (rem == half && (q & 1u) == 1u));
}
fn f32_to_bf16(x: f32) -> u32 {
  let b = bitcast<u32>(x);
  if ((b & 0x7fffffffu) > 0x7f800000u) { return (b >> 16u) | 0x40u; }
  return (b + 0x7fffu + ((b >> 16u) & 1u)) >> 16u;
}
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
// ToInt32: truncate toward zero, wrap modulo 2^32; NaN and ±inf give 0 (as a typed-array store).
fn f2i(x: f32) -> i32 {
  if ((bitcast<u32>(x) & 0x7fffffffu) >= 0x7f800000u) { return 0; }
  let t = trunc(x);
  if (abs(t) < 2147483648.0) { return i32(t); }
  let r = t - floor(t / 4294967296.0) * 4294967296.0;
  return bitcast<i32>(u32(r));
}
`;

/** `fn <fn>(i: u32) -> f32|i32`: element i of buffer `buf` holding `dtype`. */
export function loader(fn: string, buf: string, dtype: DType): string {
  const t = valueType(dtype);
  let body: string;
  switch (dtype) {
    case 'float32': body = `bitcast<f32>(${buf}[i])`; break;
    case 'int32': body = `bitcast<i32>(${buf}[i])`; break;
    case 'bool': case 'uint8': body = `i32((${buf}[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu)`; break;
    case 'int8': body = `bitcast<i32>(${buf}[i >> 2u] << (24u - (i & 3u) * 8u)) >> 24u`; break;
    case 'float16': body = `f16_to_f32((${buf}[i >> 1u] >> ((i & 1u) * 16u)) & 0xffffu)`; break;
    case 'bfloat16': body = `bitcast<f32>(((${buf}[i >> 1u] >> ((i & 1u) * 16u)) & 0xffffu) << 16u)`; break;
  }
  return `fn ${fn}(i: u32) -> ${t} { return ${body}; }\n`;
}

/** Element type a buffer written as `dtype` is bound with. */
export const storeElem = (dtype: DType): Elem => (isNarrow(dtype) ? 'atomic<u32>' : 'u32');

/** `fn <fn>(i: u32, v: f32|i32)`: store v (already of the dtype's value type) as element i. */
export function storer(fn: string, buf: string, dtype: DType): string {
  const t = valueType(dtype);
  if (dtype === 'float32' || dtype === 'int32') return `fn ${fn}(i: u32, v: ${t}) { ${buf}[i] = bitcast<u32>(v); }\n`;
  const narrow8 = dtype === 'bool' || dtype === 'uint8' || dtype === 'int8';
  const bits = dtype === 'float16' ? 'f32_to_f16(v)' : dtype === 'bfloat16' ? 'f32_to_bf16(v)' : dtype === 'bool' ? 'select(0u, 1u, v != 0)' : 'bitcast<u32>(v) & 0xffu';
  const [w, sh, mask] = narrow8 ? ['i >> 2u', '(i & 3u) * 8u', '0xffu'] : ['i >> 1u', '(i & 1u) * 16u', '0xffffu'];
  return `fn ${fn}(i: u32, v: ${t}) { let w = ${w}; let sh = ${sh};
  atomicAnd(&${buf}[w], ~(${mask} << sh)); atomicOr(&${buf}[w], (${bits}) << sh); }\n`;
}

/** WGSL expression converting `expr` of `from`'s value type to the value `to` stores (cast semantics). */
export function convert(expr: string, from: DType, to: DType): string {
  const ft = valueType(from), tt = valueType(to);
  if (to === 'bool') return ft === 'f32' ? `select(0, 1, (bitcast<u32>(${expr}) & 0x7fffffffu) != 0u)` : `select(0, 1, (${expr}) != 0)`;
  if (ft === tt) return expr;
  return tt === 'f32' ? `f32(${expr})` : `f2i(${expr})`;
}

export const f32bits = (x: number): number => new Uint32Array(new Float32Array([x]).buffer)[0]!;
export const i32bits = (x: number): number => x >>> 0;

/**
 * Float kernels with a float16 variant: f32 buffers, or (h) f16 packed two per u32 word, read by
 * unpacking and written with atomic and/or (odd lengths and offsets need no alignment). Compute
 * stays f32. Declares `ld<X>(i) -> f32` for each input and `st<Y>(i, v: f32)` for each output.
 */
export function floatIo(h: boolean, ins: string[], outs: string[]): string {
  const dt: DType = h ? 'float16' : 'float32';
  let s = bindings(ins.map((n) => [n, h ? 'u32' : 'f32']), outs.map((n) => [n, h ? 'atomic<u32>' : 'f32']));
  if (h) s += CONVERSIONS;
  for (const n of ins) s += h ? loader(`ld${n}`, n, dt) : `fn ld${n}(i: u32) -> f32 { return ${n}[i]; }\n`;
  for (const n of outs) s += h ? storer(`st${n}`, n, dt) : `fn st${n}(i: u32, v: f32) { ${n}[i] = v; }\n`;
  return s;
}
