/**
 * Coalescing for strided kernels: drop size-1 dims and merge neighbours wherever every operand is
 * contiguous across them, so contiguous and scalar-broadcast operands become one flat row in C.
 */
export interface Coalesced { shape: number[]; strides: number[][] }

export const MAX_DIMS = 12;

export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): Coalesced {
  const out: Coalesced = { shape: [], strides: strides.map(() => []) };
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = out.shape.length - 1;
    if (last >= 0 && strides.every((s, q) => out.strides[q]![last] === s[d]! * n)) {
      out.shape[last]! *= n;
      strides.forEach((s, q) => { out.strides[q]![last] = s[d]!; });
    } else {
      out.shape.push(n);
      strides.forEach((s, q) => { out.strides[q]!.push(s[d]!); });
    }
  }
  if (shape.some((n) => n === 0)) return { shape: [0], strides: strides.map(() => [0]) };
  if (out.shape.length > MAX_DIMS) throw new Error(`wasm: views with more than ${MAX_DIMS} non-mergeable dims are not supported`);
  return out;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]!; }
  return s;
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
