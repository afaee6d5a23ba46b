/**
 * In-place writes for buffers that outlive one step (a preallocated KV cache): no autograd, the
 * target keeps its identity and storage.
 */
import { copyInto, op } from '../engine.js';
import { ArgumentError, DTypeError, GradError, ShapeError } from '../errors.js';
import { fmt, normAxis } from '../layout.js';
import { Tensor } from '../tensor.js';

/**
 * Write `src` into `dst` along `dim` from `start` (as `dst.narrow(dim, start, n).copy_(src)` in
 * PyTorch); returns `dst`. Neither may take part in autograd.
 */
export const sliceAssign = op('sliceAssign', 'dst:tensor, dim:int, start:int, src:tensor', function sliceAssign(dst: Tensor, dim: number, start: number, src: Tensor): Tensor {
  if (dst.requiresGrad || src.requiresGrad) {
    throw new GradError('sliceAssign: writes in place without autograd; pass tensors that do not require gradients (detach() them)');
  }
  if (src.dtype !== dst.dtype) throw new DTypeError(`sliceAssign: src is ${src.dtype}, dst is ${dst.dtype}; cast src first`);
  const d = normAxis(dim, dst.ndim, 'sliceAssign');
  const n = src.shape[d];
  if (!Number.isInteger(start) || start < 0 || n === undefined || start + n > dst.shape[d]!) {
    throw new ArgumentError(`sliceAssign: start ${start} + length ${n} does not fit dim ${d} of size ${dst.shape[d]}`);
  }
  if (src.ndim !== dst.ndim || src.shape.some((s, i) => i !== d && s !== dst.shape[i])) {
    throw new ShapeError(`sliceAssign: src ${fmt(src.shape)} does not fit dst ${fmt(dst.shape)} along dim ${d}`);
  }
  if (n === 0 || src.shape.includes(0)) return dst;
  copyInto(dst, { shape: src.shape, strides: dst.strides, offset: dst.offset + start * dst.strides[d]! }, src);
  return dst;
});
