import { attach } from '../autograd.js';
import { promoteTypes } from '../dtype.js';
import { contiguousRaw, dispatch, op } from '../engine.js';
import { ShapeError } from '../errors.js';
import { broadcastShapes, contiguousStrides, expandStrides, fmt, numel } from '../layout.js';
import { Tensor } from '../tensor.js';
import { cast, viewRaw } from './elementwise.js';

/** Batch dims of a broadcast view collapsed to one stride, or null when they do not collapse. */
export function batchStride(shape: readonly number[], strides: readonly number[]): number | null {
  let st: number | null = null;
  let expect = 0;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (st === null) {
      st = strides[i]!;
      expect = st * shape[i]!;
    } else if (strides[i] !== expect) {
      if (st === 0 && strides[i] === 0) continue;
      return null;
    } else expect = strides[i]! * shape[i]!;
  }
  return st ?? 0;
}

/** A 3-d [batch, rows, cols] view of `t` broadcast to `batch`, made contiguous only when needed. */
function as3d(t: Tensor, batch: readonly number[], temps: Tensor[]): { v: Tensor; trans: boolean } {
  const shape = [...batch, t.shape[t.ndim - 2]!, t.shape[t.ndim - 1]!];
  const st = expandStrides(t, shape, 'matmul');
  const r = shape[shape.length - 2]!, c = shape[shape.length - 1]!;
  const rs = st[st.length - 2]!, cs = st[st.length - 1]!;
  const nb = numel(batch);
  const bs = batchStride(batch, st.slice(0, batch.length));
  const rowLead = r === 1 ? c : rs;
  const colLead = c === 1 ? r : cs;
  let src = t, trans = false, lead: number, bstride = bs ?? 0;
  if (bs !== null && (cs === 1 || c === 1) && rowLead >= c) lead = rowLead;
  else if (bs !== null && (rs === 1 || r === 1) && colLead >= r && colLead > 0) [trans, lead] = [true, colLead];
  else {
    const expanded = viewRaw(t, shape, st);
    src = contiguousRaw(expanded);
    temps.push(src);
    if (src !== expanded) expanded.dispose();
    [lead, bstride] = [c, r * c];
  }
  const v = viewRaw(src, [nb, r, c], [nb === 1 ? 0 : bstride, trans ? 1 : lead, trans ? lead : 1], src.offset);
  temps.push(v);
  return { v, trans };
}

/** Matrix product with torch.matmul semantics (1-d, 2-d, batched with broadcasting). */
export const matmul = op('matmul', 'input:tensor, other:tensor', function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) throw new ShapeError(`matmul: needs at least 1-d inputs, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const dtype = promoteTypes(a.dtype, b.dtype);
  const fa = a.dtype === dtype ? a : cast(a, dtype);
  const fb = b.dtype === dtype ? b : cast(b, dtype);
  const a2 = a.ndim === 1 ? fa.unsqueeze(0) : fa;
  const b2 = b.ndim === 1 ? fb.unsqueeze(-1) : fb;
  let y = matmulNd(a2, b2);
  if (a.ndim === 1) y = y.squeeze(-2);
  if (b.ndim === 1) y = y.squeeze(-1);
  return y;
});

/** ≥2-d matmul with broadcast batch dims; one autograd node. */
function matmulNd(a: Tensor, b: Tensor): Tensor {
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [k2, n] = b.shape.slice(-2) as [number, number];
  if (k !== k2) {
    throw new ShapeError(`matmul: inner dims differ: ${fmt(a.shape)} @ ${fmt(b.shape)} (${k} vs ${k2})`);
  }
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), 'matmul');
  const temps: Tensor[] = [];
  const dtype = a.dtype;
  const A = as3d(a, batch, temps);
  const B = as3d(b, batch, temps);
  const y = dispatch('matmul', [A.v, B.v], [{ shape: [numel(batch), m, n], dtype }], { transA: A.trans, transB: B.trans })[0]!;
  for (const t of temps) t.dispose();
  const shape = [...batch, m, n];
  const out = viewRaw(y, shape, contiguousStrides(shape), 0);
  y.dispose();
  return attach('matmul', [a, b], out);
}
