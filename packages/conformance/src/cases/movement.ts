/** Movement ops (views and copies) on every dtype, plus the view semantics (strides, offset, no copy). */
import { expect } from 'vitest';
import * as tc from '@tessera/core';
import type { Tensor } from '@tessera/core';
import type { Layout, OpCase } from '../check.js';
import type { Ctx } from '../context.js';
import { m } from '../methods.js';
import { ALL_DTYPES } from '../numeric.js';
import * as R from '../reference.js';

type Mv = [name: string, shapes: number[][], run: (xs: Tensor[]) => Tensor | Tensor[], ref: (xs: R.ND[]) => R.ND | R.ND[], layouts?: Layout[]];

const S = [3, 4, 5];
const MOVES: Mv[] = [
  ['reshape/12x5', [S], ([x]) => tc.reshape(x!, [12, 5]), ([x]) => R.reshape(x!, [12, 5])],
  ['reshape/infer', [S], ([x]) => tc.reshape(x!, [-1, 10]), ([x]) => R.reshape(x!, [6, 10])],
  ['reshape/to-scalar', [[1, 1]], ([x]) => tc.reshape(x!, []), ([x]) => R.reshape(x!, [])],
  ['reshape/from-scalar', [[]], ([x]) => tc.reshape(x!, [1, 1, 1]), ([x]) => R.reshape(x!, [1, 1, 1])],
  // view never copies (like torch.view): only layouts where [3, 4, 5] -> [3, 20] is a valid view
  ['view', [S], ([x]) => tc.view(x!, [3, 20]), ([x]) => R.reshape(x!, [3, 20]), ['contiguous', 'expanded']],
  ['permute/201', [S], ([x]) => tc.permute(x!, [2, 0, 1]), ([x]) => R.permute(x!, [2, 0, 1])],
  ['permute/negative', [S], ([x]) => tc.permute(x!, [-1, 1, 0]), ([x]) => R.permute(x!, [2, 1, 0])],
  ['transpose/0-2', [S], ([x]) => tc.transpose(x!, 0, 2), ([x]) => R.transpose(x!, 0, 2)],
  ['transpose/negative', [S], ([x]) => tc.transpose(x!, -1, -2), ([x]) => R.transpose(x!, 2, 1)],
  ['expand/new-dims', [[3, 1, 5]], ([x]) => tc.expand(x!, [2, 3, 4, 5]), ([x]) => R.broadcastTo(x!, [2, 3, 4, 5])],
  ['broadcastTo', [[4, 1]], ([x]) => tc.broadcastTo(x!, [3, 4, 6]), ([x]) => R.broadcastTo(x!, [3, 4, 6])],
  ['slice/step2', [S], ([x]) => tc.slice(x!, 1, 1, 4, 2), ([x]) => R.sliceND(x!, 1, 1, 4, 2)],
  ['slice/step3-open-end', [S], ([x]) => tc.slice(x!, 2, 0, undefined, 3), ([x]) => R.sliceND(x!, 2, 0, 5, 3)],
  ['slice/negative-dim', [S], ([x]) => tc.slice(x!, -1, 2, 4), ([x]) => R.sliceND(x!, 2, 2, 4)],
  ['narrow', [S], ([x]) => tc.narrow(x!, 0, 1, 2), ([x]) => R.sliceND(x!, 0, 1, 3)],
  ['squeeze/all', [[3, 1, 5, 1]], ([x]) => tc.squeeze(x!), ([x]) => R.reshape(x!, [3, 5])],
  ['squeeze/dim', [[3, 1, 5, 1]], ([x]) => tc.squeeze(x!, 1), ([x]) => R.reshape(x!, [3, 5, 1])],
  ['squeeze/negative-dim', [[3, 1, 5, 1]], ([x]) => tc.squeeze(x!, -1), ([x]) => R.reshape(x!, [3, 1, 5])],
  ['squeeze/non-1-dim-is-noop', [[3, 4]], ([x]) => tc.squeeze(x!, 0), ([x]) => x!],
  ['unsqueeze/0', [[3, 4]], ([x]) => tc.unsqueeze(x!, 0), ([x]) => R.reshape(x!, [1, 3, 4])],
  ['unsqueeze/-1', [[3, 4]], ([x]) => tc.unsqueeze(x!, -1), ([x]) => R.reshape(x!, [3, 4, 1])],
  ['unsqueeze/middle', [[3, 4]], ([x]) => tc.unsqueeze(x!, 1), ([x]) => R.reshape(x!, [3, 1, 4])],
  ['flatten/all', [S], ([x]) => tc.flatten(x!), ([x]) => R.reshape(x!, [60])],
  ['flatten/from1', [[2, 3, 4, 5]], ([x]) => tc.flatten(x!, 1), ([x]) => R.reshape(x!, [2, 60])],
  ['flatten/1-2', [[2, 3, 4, 5]], ([x]) => tc.flatten(x!, 1, 2), ([x]) => R.reshape(x!, [2, 12, 5])],
  ['flatten/negative-end', [[2, 3, 4, 5]], ([x]) => tc.flatten(x!, 0, -2), ([x]) => R.reshape(x!, [24, 5])],
  ['contiguous', [S], ([x]) => tc.contiguous(x!), ([x]) => x!],
  ['clone', [S], ([x]) => m(x!).clone(), ([x]) => x!],
  ['cat/dim0', [[2, 3], [1, 3], [4, 3]], (xs) => tc.cat(xs, 0), (xs) => R.cat(xs, 0)],
  ['cat/dim1', [[2, 3, 2], [2, 1, 2], [2, 4, 2]], (xs) => tc.cat(xs, 1), (xs) => R.cat(xs, 1)],
  ['cat/dim-1', [[2, 3], [2, 2]], (xs) => tc.cat(xs, -1), (xs) => R.cat(xs, 1)],
  ['cat/default-dim', [[2, 3], [3, 3]], (xs) => tc.cat(xs), (xs) => R.cat(xs, 0)],
  ['stack/dim0', [[3, 4], [3, 4], [3, 4]], (xs) => tc.stack(xs, 0), (xs) => R.stack(xs, 0)],
  ['stack/dim1', [[3, 4], [3, 4]], (xs) => tc.stack(xs, 1), (xs) => R.stack(xs, 1)],
  ['stack/dim-1', [[3, 4], [3, 4]], (xs) => tc.stack(xs, -1), (xs) => R.stack(xs, 2)],
  ['split/size-remainder', [[7, 3]], ([x]) => tc.split(x!, 3), ([x]) => R.split(x!, 3, 0)],
  ['split/sections-dim1', [[3, 7]], ([x]) => tc.split(x!, [2, 4, 1], 1), ([x]) => R.split(x!, [2, 4, 1], 1)],
  ['chunk/even', [[6, 4]], ([x]) => tc.chunk(x!, 3), ([x]) => R.split(x!, 2, 0)],
  ['chunk/uneven-dim-1', [[3, 7]], ([x]) => tc.chunk(x!, 3, -1), ([x]) => R.split(x!, 3, 1)],
  ['pad/last', [[3, 4]], ([x]) => tc.pad(x!, [1, 2]), ([x]) => R.pad(x!, [1, 2], 0)],
  ['pad/last-two-value', [[2, 3, 4]], ([x]) => tc.pad(x!, [1, 0, 2, 1], 1), ([x]) => R.pad(x!, [1, 0, 2, 1], 1)],
];

export function movementCases(): OpCase[] {
  return MOVES.map(([name, shapes, run, ref, layouts]) => ({
    id: `movement/${name}`,
    inputs: shapes.map((shape) => ({ shape })),
    dtypes: ALL_DTYPES,
    run,
    ref,
    layouts,
    exact: true,
  }));
}

/** Views share storage: check strides / offset / isContiguous and that no copy was made. */
export function defineViewSemantics(ctx: Ctx): void {
  const base = () => tc.reshape(tc.arange(0, 60, 1, { dtype: 'float32' }), [3, 4, 5]);

  ctx.test('movement/view-semantics/strides', () => {
    const x = base();
    expect(x.shape).toEqual([3, 4, 5]);
    expect([...x.strides]).toEqual([20, 5, 1]);
    expect(x.isContiguous()).toBe(true);
    const t = tc.transpose(x, 0, 2);
    expect(t.shape).toEqual([5, 4, 3]);
    expect([...t.strides]).toEqual([1, 5, 20]);
    expect(t.isContiguous()).toBe(false);
    const s = tc.slice(x, 2, 1, 5, 2);
    expect(s.shape).toEqual([3, 4, 2]);
    expect([...s.strides]).toEqual([20, 5, 2]);
    expect(s.offset).toBe(1);
    const n = tc.narrow(x, 1, 2, 2);
    expect(n.offset).toBe(10);
    const e = tc.expand(tc.reshape(tc.arange(0, 3, 1, { dtype: 'float32' }), [3, 1]), [2, 3, 4]);
    expect([...e.strides]).toEqual([0, 1, 0]);
    const u = tc.unsqueeze(x, 1);
    expect(u.shape).toEqual([3, 1, 4, 5]);
    const p = tc.permute(x, [1, 2, 0]);
    expect([...p.strides]).toEqual([5, 1, 20]);
    const r = tc.reshape(x, [12, 5]);
    expect([...r.strides]).toEqual([5, 1]);
    expect(r.isContiguous()).toBe(true);
    expect(tc.contiguous(t).isContiguous()).toBe(true);
  });

  ctx.test('movement/view-semantics/views-do-not-copy', () => {
    const x = base();
    const before = tc.memory().numBytes;
    const views = [tc.transpose(x, 0, 1), tc.slice(x, 1, 0, 4, 2), tc.reshape(x, [60]), tc.expand(tc.unsqueeze(x, 0), [8, 3, 4, 5]), tc.squeeze(tc.unsqueeze(x, 0)), tc.flatten(x, 1), tc.narrow(x, 0, 1, 1), tc.permute(x, [2, 1, 0])];
    expect(tc.memory().numBytes).toBe(before);
    views.forEach((v) => v.dispose());
    x.dispose();
  });

  ctx.test('movement/view-semantics/reshape-of-view-copies-values', async () => {
    const x = base();
    const t = tc.transpose(x, 0, 2); // [5,4,3], not viewable as [60] without a copy
    const flat = tc.reshape(t, [60]);
    const expected = R.reshape(R.transpose(R.nd([3, 4, 5], (i) => i), 0, 2), [60]);
    expect(Array.from(await flat.numbers())).toEqual(Array.from(expected.data));
  });

  ctx.test('movement/view-semantics/chain-of-views', async () => {
    // slice -> transpose -> expand -> slice with step: values must follow the composed strides
    const x = base();
    const v = tc.slice(tc.expand(tc.unsqueeze(tc.transpose(tc.slice(x, 2, 1, 5, 2), 0, 1), 0), [2, 4, 3, 2]), 1, 1, 4, 2);
    let r = R.sliceND(R.nd([3, 4, 5], (i) => i), 2, 1, 5, 2);
    r = R.broadcastTo(R.reshape(R.transpose(r, 0, 1), [1, 4, 3, 2]), [2, 4, 3, 2]);
    r = R.sliceND(r, 1, 1, 4, 2);
    expect(v.shape).toEqual(r.shape);
    expect(Array.from(await v.numbers())).toEqual(Array.from(r.data));
  });
}
