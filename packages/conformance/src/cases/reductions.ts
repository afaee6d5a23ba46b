/** Reductions over no / single / multiple / negative axes, keepDim, var/std correction, argmax, logSumExp. */
import * as tc from '@tessera/core';
import type { DType, Tensor } from '@tessera/core';
import { G, type Layout, type OpCase } from '../check.js';
import { FLOAT_DTYPES } from '../numeric.js';
import * as R from '../reference.js';
import { m } from '../methods.js';

type Axis = number | number[] | undefined;
const AXES: Axis[] = [undefined, 0, 1, -1, [0, 2], [-1, 0]];
const SHAPE = [3, 4, 5];
const axisId = (a: Axis) => (a === undefined ? 'all' : Array.isArray(a) ? a.join(',') : String(a));
const NO_TIES: Layout[] = ['contiguous', 'transposed', 'sliced']; // expanded inputs repeat values: ties make max/min grads ambiguous

interface RedDef {
  name: string;
  run: (x: Tensor, axis: Axis, keepDim: boolean) => Tensor;
  f: (v: number[]) => number;
  dtypes: readonly DType[];
  out?: (d: DType) => DType;
  gradLayouts?: Layout[];
  axes?: Axis[];
}

const redDefs: RedDef[] = [
  { name: 'sum', run: (x, a, k) => tc.sum(x, a, k), f: R.sumOf, dtypes: [...FLOAT_DTYPES, 'int32'] },
  { name: 'mean', run: (x, a, k) => tc.mean(x, a, k), f: R.meanOf, dtypes: FLOAT_DTYPES },
  { name: 'max', run: (x, a, k) => tc.max(x, a, k), f: (v) => Math.max(...v), dtypes: [...FLOAT_DTYPES, 'int32', 'int8', 'uint8'], gradLayouts: NO_TIES },
  { name: 'min', run: (x, a, k) => tc.min(x, a, k), f: (v) => Math.min(...v), dtypes: [...FLOAT_DTYPES, 'int32'], gradLayouts: NO_TIES },
  {
    name: 'argmax', run: (x, a, k) => tc.argmax(x, a as number | undefined, k), f: R.argmaxOf,
    dtypes: [...FLOAT_DTYPES, 'int32'], out: () => 'int32', axes: [undefined, 0, 1, -1],
  },
  ...[0, 1, 2].flatMap((corr): RedDef[] => [
    { name: `var-correction${corr}`, run: (x, a, k) => tc.var(x, a, k, corr), f: (v) => R.varOf(v, corr), dtypes: FLOAT_DTYPES },
    // std'(0) is infinite: no expanded (constant along the reduced axis) inputs for its gradient
    { name: `std-correction${corr}`, run: (x, a, k) => tc.std(x, a, k, corr), f: (v) => Math.sqrt(R.varOf(v, corr)), dtypes: FLOAT_DTYPES, gradLayouts: NO_TIES },
  ]),
  { name: 'var-default', run: (x, a, k) => tc.var(x, a, k), f: (v) => R.varOf(v, 1), dtypes: ['float32'], axes: [1, undefined] },
  {
    name: 'logSumExp', run: (x, a, k) => tc.logSumExp(x, a as number, k), f: R.logSumExpOf,
    dtypes: FLOAT_DTYPES, axes: [0, 1, -1, [0, 2]],
  },
];

const reductionCases = (): OpCase[] =>
  redDefs.flatMap((r) =>
    (r.axes ?? AXES).flatMap((axis) =>
      [false, true].map((keepDim): OpCase => ({
        id: `reduce/${r.name}/axis${axisId(axis)}${keepDim ? '-keepDim' : ''}`,
        inputs: [{ shape: SHAPE, gen: r.name.startsWith('argmax') ? G.normal() : undefined }],
        dtypes: r.dtypes,
        run: ([x]) => r.run(x!, axis, keepDim),
        ref: ([x]) => R.reduce(x!, axis, keepDim, r.f),
        outDtype: r.out,
        norm: true,
        tolScale: 2,
        grad: r.gradLayouts ? { layouts: r.gradLayouts } : undefined,
      })),
    ),
  );

const extraCases = (): OpCase[] => [
  {
    // x ~ 10 + 0.5 N(0,1): a one-pass E[x^2] - E[x]^2 loses most digits in float32
    id: 'reduce/var/offset-cancellation',
    inputs: [{ shape: [4, 33], gen: (r) => 10 + 0.5 * r.normal() }],
    run: ([x]) => tc.var(x!, 1, false, 0),
    ref: ([x]) => R.reduce(x!, 1, false, (v) => R.varOf(v, 0)),
    tolScale: 10,
  },
  {
    // 1e5 positive terms: a plain float32 running sum drifts by ~1e-3 relative; pairwise / blocked sums stay ~1e-6
    id: 'reduce/sum/long-accumulation',
    inputs: [{ shape: [4, 25000], gen: G.uniform(0.1, 2), layout: false }],
    run: ([x]) => [tc.sum(x!), tc.sum(x!, 1), tc.mean(x!, -1)],
    ref: ([x]) => [R.reduce(x!, undefined, false, R.sumOf), R.reduce(x!, 1, false, R.sumOf), R.reduce(x!, -1, false, R.meanOf)],
    tolScale: 10,
    grad: false,
  },
  {
    id: 'reduce/logSumExp/large',
    inputs: [{ shape: [3, 6], gen: (r) => 1000 + 3 * r.normal() }],
    run: ([x]) => tc.logSumExp(x!, -1),
    ref: ([x]) => R.reduce(x!, -1, false, R.logSumExpOf),
  },
  {
    id: 'reduce/sum/method-and-1d',
    inputs: [{ shape: [7] }],
    run: ([x]) => [m(x!).sum(), tc.sum(x!, 0), tc.sum(x!, -1, true)],
    ref: ([x]) => [R.reduce(x!, undefined, false, R.sumOf), R.reduce(x!, 0, false, R.sumOf), R.reduce(x!, -1, true, R.sumOf)],
    norm: true,
  },
  {
    id: 'reduce/sum/size1-dims',
    inputs: [{ shape: [1, 4, 1] }],
    run: ([x]) => [tc.sum(x!, 0), tc.sum(x!, [0, 2], true), tc.mean(x!, 1)],
    ref: ([x]) => [R.reduce(x!, 0, false, R.sumOf), R.reduce(x!, [0, 2], true, R.sumOf), R.reduce(x!, 1, false, R.meanOf)],
    norm: true,
  },
  {
    id: 'reduce/argmax/first-of-ties',
    inputs: [{ shape: [2, 5], values: [1, 3, 3, 2, 3, 4, 4, 1, 4, 0] }],
    dtypes: ['float32', 'int32'],
    run: ([x]) => [tc.argmax(x!, 1), tc.argmax(x!)],
    ref: ([x]) => [R.reduce(x!, 1, false, R.argmaxOf), R.reduce(x!, undefined, false, R.argmaxOf)],
    outDtype: () => 'int32',
  },
];

export function reductionCasesAll(): OpCase[] {
  return [...reductionCases(), ...extraCases()];
}
