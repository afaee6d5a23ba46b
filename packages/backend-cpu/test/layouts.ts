/** Strided layouts of a logical [3, 4] operand (plus a 4-d one), covering every iteration path. */
export interface Layout { name: string; shape: number[]; strides: number[]; offset: number; storage: number }

const span = (shape: number[], strides: number[], offset: number) =>
  offset + shape.reduce((acc, n, d) => acc + (n - 1) * strides[d], 0) + 1;

const mk = (name: string, shape: number[], strides: number[], offset = 0): Layout =>
  ({ name, shape, strides, offset, storage: span(shape, strides, offset) });

export const LAYOUTS_3x4: Layout[] = [
  mk('contiguous', [3, 4], [4, 1]),
  mk('offset', [3, 4], [4, 1], 5),
  mk('transposed', [3, 4], [1, 3]),
  mk('broadcast rows (stride 0)', [3, 4], [0, 1], 1),
  mk('broadcast cols (stride 0)', [3, 4], [1, 0]),
  mk('scalar (all strides 0)', [3, 4], [0, 0], 2),
  mk('gapped', [3, 4], [9, 2], 1),
];

/** A 4-d permuted view with a size-1 dim and an offset, same logical size as [2, 3, 1, 4]. */
export const LAYOUT_4D: Layout = mk('4-d permuted', [2, 3, 1, 4], [1, 8, 99, 2], 3);
export const LAYOUT_4D_CONTIG: Layout = mk('4-d contiguous', [2, 3, 1, 4], [12, 4, 4, 1]);
