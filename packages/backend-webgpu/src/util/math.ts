/** WGSL math where the builtins are too loose (WGSL allows several ulp, or NaN on overflow). */

/**
 * erf in f32 to about 2 ulp, loop-free (SIMD lanes do not wait on each other's series): x·A(x²)
 * below 1, 1 - exp(-x²)·B(x - 2.5) below 4, ±1 above. Coefficients are our least-squares fits.
 */
export const ERF = /* wgsl */ `
fn erf_(x: f32) -> f32 {
  let ax = abs(x);
  if (ax >= 4.0) { return sign(x); }
  if (ax < 1.0) {
    let u = x * x;
    return x * (1.1283791 + u * (-0.37612325 + u * (0.1128018 + u * (-0.02671131 + u * (0.004917548 + u * -5.6314096e-4)))));
  }
  let t = ax - 2.5;
  let b = 0.21080637 + t * (-0.07434758 + t * (0.024937926 + t * (-0.007999493 + t * (0.0024669922 + t * (-7.3875743e-4
    + t * (2.116944e-4 + t * (-5.3729877e-5 + t * (1.5010766e-5 + t * (-6.357362e-6 + t * 1.553842e-6)))))))));
  let r = 1.0 - exp(-ax * ax) * b;
  return select(-r, r, x > 0.0);
}
`;

/** tanh without inf/inf for large |x|. */
export const TANH = /* wgsl */ `
fn tanh_(x: f32) -> f32 {
  let ax = abs(x);
  if (ax < 0.55) { let x2 = x * x; return x * (1.0 + x2 * (-0.33333333 + x2 * (0.13333333 + x2 * (-0.053968254 + x2 * (0.021869488 + x2 * (-0.0088632355 + x2 * 0.0035921280)))))); }
  let t = 1.0 - 2.0 / (exp(2.0 * ax) + 1.0);
  return select(-t, t, x >= 0.0);
}
`;

export const SIGMOID = /* wgsl */ `fn sigmoid_(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }\n`;

/**
 * sin / cos to about 1 ulp: SwiftShader's builtins miss by ~2e-4 (WGSL allows 2^-11 absolute).
 * Cody-Waite reduction by π/2 (three-part constant) and cephes' single-precision polynomials.
 */
export const SINCOS = /* wgsl */ `
fn sc_poly(r: f32, q: i32, wantCos: bool) -> f32 { let v = sc_hl(r, 0.0, q, wantCos); return v.x + v.y; }
// sin / cos of the reduced argument r + rl as hi + lo (two-sums keep the bits randn needs).
fn sc_hl(r: f32, rl: f32, q: i32, wantCos: bool) -> vec2<f32> {
  let z = r * r; let ze = fma(r, r, -z);
  let ts = r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let sh = r + ts; let sl = (r - sh) + ts;
  let hz = 0.5 * z; let tc = z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  let c1 = 1.0 - hz; let e1 = (1.0 - c1) - hz;
  let ch = c1 + tc; let cl = ((c1 - ch) + tc) + e1 - 0.5 * ze;
  let k = (q + select(0, 1, wantCos)) & 3;
  var v = vec2<f32>(sh, sl + ch * rl);
  if ((k & 1) == 1) { v = vec2<f32>(ch, cl - sh * rl); }
  return select(v, -v, k >= 2);
}
fn sc_q(x: f32) -> f32 { return round(x * 0.6366197723675814); }
fn sc_r(x: f32, q: f32) -> f32 { return ((x - q * 1.5703125) - q * 4.837512969970703125e-4) - q * 7.54978995489188216e-8; }
fn sin_(x: f32) -> f32 { let q = sc_q(x); return sc_poly(sc_r(x, q), i32(q), false); }
fn cos_(x: f32) -> f32 { let q = sc_q(x); return sc_poly(sc_r(x, q), i32(q), true); }
`;

/** Natural log to about 1 ulp (cephes logf); WGSL only bounds log's absolute error. */
export const LOG = /* wgsl */ `
fn log_(x0: f32) -> f32 {
  let bits = bitcast<u32>(x0);
  if (x0 <= 0.0 || bits >= 0x7f800000u) { return log(x0); }
  let r = log_hl(x0); return r.x + r.y;
}
// log(x0) as an unevaluated sum hi + lo (for finite x0 > 0): callers that go on computing (randn) keep the extra bits.
fn log_hl(x0: f32) -> vec2<f32> {
  let bits = bitcast<u32>(x0);
  var e: i32; var m: f32;
  if (bits < 0x00800000u) { let b2 = bitcast<u32>(x0 * 8388608.0); e = i32(b2 >> 23u) - 126 - 23; m = bitcast<f32>((b2 & 0x807fffffu) | 0x3f000000u); }
  else { e = i32(bits >> 23u) - 126; m = bitcast<f32>((bits & 0x807fffffu) | 0x3f000000u); }
  var x = m;
  if (x < 0.70710678118654752440) { e -= 1; x = x + x - 1.0; } else { x = x - 1.0; }
  let z = x * x;
  var p = 7.0376836292e-2;
  p = p * x - 1.1514610310e-1; p = p * x + 1.1676998740e-1; p = p * x - 1.2420140846e-1;
  p = p * x + 1.4249322787e-1; p = p * x - 1.6668057665e-1; p = p * x + 2.0000714765e-1;
  p = p * x - 2.4999993993e-1; p = p * x + 3.3333331174e-1;
  var y = p * x * z;
  let fe = f32(e);
  y += -2.12194440e-4 * fe;
  y += -0.5 * z;
  let s1 = x + y; let e1 = (x - s1) + y;
  let c = 0.693359375 * fe; let s2 = c + s1;
  let bb = s2 - c; let e2 = (c - (s2 - bb)) + (s1 - bb);
  return vec2<f32>(s2, e1 + e2);
}
`;
