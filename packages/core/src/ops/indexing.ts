import { attach } from '../autograd.js';
import { toNumbers } from '../dtype.js';
import { contiguousRaw, dispatch, op } from '../engine.js';
import { DTypeError, IndexError, ShapeError } from '../errors.js';
import { contiguousStrides, fmt, normAxis, numel } from '../layout.js';
import { Tensor } from '../tensor.js';
import { arange } from './creation.js';
import { cast, ge, le, sub, viewRaw, where } from './elementwise.js';
import { slice } from './movement.js';

function checkIndexDType(op: string, index: Tensor): void {
  if (index.dtype !== 'int32' && index.dtype !== 'int8' && index.dtype !== 'uint8') {
    throw new DTypeError(`${op}: index must be an integer tensor (int32), got ${index.dtype}`);
  }
}

/** Range-check indices where the backend reads synchronously (a bad index is an error, not garbage). */
function checkRange(op: string, index: Tensor, size: number): void {
  if (!index.storage.backend.storage.readSync || !index.size) return;
  const v = toNumbers(index.dtype, index.dataSync());
  for (let i = 0; i < v.length; i++) {
    if (v[i]! < 0 || v[i]! >= size) {
      throw new IndexError(`${op}: index ${v[i]} is out of range for a dimension of size ${size}`);
    }
  }
}

/** [outer, d, inner] raw view of contiguous `t` around `dim`. */
function around(t: Tensor, dim: number): Tensor {
  const outer = numel(t.shape.slice(0, dim));
  const inner = numel(t.shape.slice(dim + 1));
  const s = [outer, t.shape[dim]!, inner];
  return viewRaw(t, s, contiguousStrides(s));
}

function int32(t: Tensor): Tensor {
  return t.dtype === 'int32' ? contiguousRaw(t) : cast(t, 'int32');
}

/** torch.gather: out[..., j, ...] = x[..., index[..., j, ...], ...] along `dim`. */
export const gather = op('gather', 'input:tensor, dim:int, index:tensor', function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndexDType('gather', index);
  const d = normAxis(dim, x.ndim, 'gather');
  if (index.ndim !== x.ndim || index.shape.some((s, i) => i !== d && s > x.shape[i]!)) {
    throw new ShapeError(`gather: index shape ${fmt(index.shape)} must have x's rank and fit x ${fmt(x.shape)} outside dim ${d}`);
  }
  checkRange('gather', index, x.shape[d]!);
  let xs = x;
  for (let i = 0; i < x.ndim; i++) if (i !== d && index.shape[i] !== x.shape[i]) xs = slice(xs, i, 0, index.shape[i]);
  const xc = contiguousRaw(xs);
  const ic = int32(index);
  const xv = around(xc, d), iv = around(ic, d);
  const y = dispatch('gather', [xv, iv], [{ shape: iv.shape, dtype: x.dtype }], {})[0]!;
  [xv, iv].forEach((t) => t.dispose());
  if (xc !== xs) xc.dispose();
  if (ic !== index) ic.dispose();
  const out = viewRaw(y, index.shape, contiguousStrides(index.shape), 0);
  y.dispose();
  return attach('gather', [xs, index], out, { dim: d });
});

/** Select entries of `x` along `dim` by a 1-d integer index. */
export const indexSelect = op('indexSelect', 'input:tensor, dim:int, index:tensor', function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndexDType('indexSelect', index);
  if (index.ndim !== 1) throw new ShapeError(`indexSelect: index must be 1-d, got shape ${fmt(index.shape)}`);
  const d = normAxis(dim, x.ndim, 'indexSelect');
  checkRange('indexSelect', index, x.shape[d]!);
  const xc = contiguousRaw(x);
  const ic = int32(index);
  const xv = around(xc, d);
  const shape = [...x.shape];
  shape[d] = index.size;
  const y = dispatch('indexSelect', [xv, ic], [{ shape: [xv.shape[0]!, index.size, xv.shape[2]!], dtype: x.dtype }], {})[0]!;
  xv.dispose();
  if (xc !== x) xc.dispose();
  if (ic !== index) ic.dispose();
  const out = viewRaw(y, shape, contiguousStrides(shape), 0);
  y.dispose();
  return attach('indexSelect', [x, index], out, { dim: d });
});

/** Rows of `weight` [V, D] for integer `indices` of any shape → [...indices.shape, D]. */
export const embedding = op('embedding', 'input:tensor, weight:tensor', function embedding(indices: Tensor, weight: Tensor): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight must be 2-d [vocab, dim], got ${fmt(weight.shape)}`);
  const flat = indices.reshape([indices.size]);
  const rows = indexSelect(weight, 0, flat);
  const out = rows.reshape([...indices.shape, weight.shape[1]!]);
  if (!out.node) {
    flat.dispose();
    if (out !== rows) rows.dispose();
  }
  return out;
});

/** torch.scatter_add: a copy of `x` with `src` added at `index` along `dim` (index and src of one shape). */
export const scatterAdd = op('scatterAdd', 'input:tensor, dim:int, index:tensor, src:tensor', function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkIndexDType('scatterAdd', index);
  const d = normAxis(dim, x.ndim, 'scatterAdd');
  if (index.shape.join() !== src.shape.join() || index.ndim !== x.ndim || index.shape.some((s, i) => i !== d && s !== x.shape[i])) {
    throw new ShapeError(
      `scatterAdd: index ${fmt(index.shape)} and src ${fmt(src.shape)} must match each other and x ${fmt(x.shape)} outside dim ${d}`,
    );
  }
  if (src.dtype !== x.dtype) throw new DTypeError(`scatterAdd: src dtype ${src.dtype} differs from x dtype ${x.dtype}`);
  checkRange('scatterAdd', index, x.shape[d]!);
  const xc = contiguousRaw(x), sc = contiguousRaw(src), ic = int32(index);
  const views = [around(xc, d), around(ic, d), around(sc, d)];
  const y = dispatch('scatterAdd', views, [{ shape: views[0]!.shape, dtype: x.dtype }], {})[0]!;
  views.forEach((v) => v.dispose());
  for (const [c, o] of [[xc, x], [sc, src], [ic, index]] as const) if (c !== o) c.dispose();
  const out = viewRaw(y, x.shape, contiguousStrides(x.shape), 0);
  y.dispose();
  return attach('scatterAdd', [x, index, src], out, { dim: d });
});

/** Mask of the lower triangle: col - row <= diagonal over the last two dims. */
function triMask(x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.ndim < 2) throw new ShapeError(`${lower ? 'tril' : 'triu'}: needs at least 2 dims, got ${fmt(x.shape)}`);
  const [r, c] = x.shape.slice(-2) as [number, number];
  const rows = arange(r, undefined, 1, { backend: x.backend }).reshape([r, 1]);
  const cols = arange(c, undefined, 1, { backend: x.backend }).reshape([1, c]);
  const diff = sub(cols, rows);
  const m = lower ? le(diff, diagonal) : ge(diff, diagonal);
  [rows, cols, diff].forEach((t) => t.dispose());
  return m;
}

export const tril = op('tril', 'input:tensor, diagonal?:int', function tril(x: Tensor, diagonal = 0): Tensor {
  const m = triMask(x, diagonal, true);
  const y = where(m, x, x.dtype === 'bool' ? false : 0);
  if (!y.node) m.dispose();
  return y;
});

export const triu = op('triu', 'input:tensor, diagonal?:int', function triu(x: Tensor, diagonal = 0): Tensor {
  const m = triMask(x, diagonal, false);
  const y = where(m, x, x.dtype === 'bool' ? false : 0);
  if (!y.node) m.dispose();
  return y;
});
