import { defineKernel } from '@tessera/core';
import { binary } from '../util/elementwise.js';

// C / PyTorch pow: WGSL's pow is undefined for negative bases and at the edges.
const POW = /* wgsl */ `
fn pow_(a: f32, b: f32) -> f32 {
  let inf = inf_();
  if (a == 1.0 || b == 0.0) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return nan_(); }
  if (a == -1.0 && abs(b) == inf) { return 1.0; }
  let isInt = b == trunc(b);
  if (a < 0.0 && !isInt) { return nan_(); }
  let odd = isInt && abs(b) < 16777216.0 && trunc(b * 0.5) != b * 0.5;
  let aa = abs(a);
  var r: f32;
  if (aa == 0.0) { r = select(0.0, inf, b < 0.0); }
  else if (aa == inf) { r = select(inf, 0.0, b < 0.0); }
  else { r = exp2(b * log2(aa)); }
  let neg = (bitcast<u32>(a) >> 31u) == 1u;
  return select(r, -r, neg && odd);
}
`;

export default defineKernel('pow', { dtypes: ['float32'], run: binary('pow', 'pow_(a, b)', POW) });
