/** Linear algebra and NN ops: matmul, softmax, norms, cross-entropy, gather family, attention, AdamW. */
import * as tc from '@tessera/core';
import type { Tensor } from '@tessera/core';
import { G, type InputSpec, type OpCase } from '../check.js';
import { FLOAT_DTYPES } from '../numeric.js';
import * as R from '../reference.js';

const F = FLOAT_DTYPES;
const sid = (s: number[]) => (s.length ? s.join('x') : 'scalar');

const MATMUL_SHAPES: [number[], number[]][] = [
  [[5], [5]],
  [[3, 5], [5]],
  [[5], [5, 4]],
  [[3, 5], [5, 4]],
  [[7, 13], [13, 9]],
  [[1, 1], [1, 1]],
  [[2, 3, 5], [2, 5, 4]],
  [[2, 1, 3, 5], [3, 5, 4]],
  [[2, 3, 5], [5, 4]],
  [[2, 2, 3, 5], [5, 4]], // a linear layer over [batch, heads, t]: weight gradient as one 2-D product
  [[5], [2, 5, 4]],
  [[4, 6], [3, 6, 2]],
];

const matmulCases = (): OpCase[] =>
  MATMUL_SHAPES.map(([a, b]) => ({
    id: `matmul/${sid(a)}@${sid(b)}`,
    inputs: [{ shape: a }, { shape: b }],
    dtypes: F,
    run: ([x, y]) => tc.matmul(x!, y!),
    ref: ([x, y]) => R.matmul(x!, y!),
    norm: true,
    tolScale: 2,
  }));

/** Sizes past backend-cpu's packed / multi-threaded matmul threshold (64^3 MACs), odd edges; forward only. */
const largeMatmulCases = (): OpCase[] =>
  ([[[2, 67, 129], [129, 61]], [[130, 70], [70, 150]]] as [number[], number[]][]).map(([a, b]) => ({
    id: `matmul/large/${sid(a)}@${sid(b)}`,
    inputs: [{ shape: a }, { shape: b }],
    dtypes: ['float32', 'bfloat16'],
    layouts: ['contiguous', 'transposed'],
    run: ([x, y]) => tc.matmul(x!, y!),
    ref: ([x, y]) => R.matmul(x!, y!),
    norm: true,
    tolScale: 4,
    grad: false,
  }));

const softmaxCases = (): OpCase[] =>
  (['softmax', 'logSoftmax'] as const).flatMap((name) => {
    const fn = name === 'softmax' ? tc.softmax : tc.logSoftmax;
    const rf = name === 'softmax' ? R.softmax : R.logSoftmax;
    const base: OpCase[] = [-1, 0, 1].map((axis) => ({
      id: `nn/${name}/axis${axis}`,
      inputs: [{ shape: [3, 4, 5], gen: G.normal(2) }],
      dtypes: F,
      run: ([x]) => fn(x!, axis),
      ref: ([x]) => rf(x!, axis),
      tolScale: 3,
      norm: name === 'logSoftmax',
    }));
    base.push({
      id: `nn/${name}/default-axis`,
      inputs: [{ shape: [2, 6], gen: G.normal(2) }],
      run: ([x]) => fn(x!),
      ref: ([x]) => rf(x!, -1),
    });
    // one row shifted by +1000, one by -1000, one with a single +1000 logit: needs max-subtraction
    const large = (r: { normal(): number }, _d: unknown, i: number) => {
      const row = Math.floor(i / 7);
      const shift = row === 0 ? 1000 : row === 1 ? -1000 : row === 2 && i % 7 === 3 ? 1000 : 0;
      return shift + 2 * r.normal();
    };
    base.push({
      id: `nn/${name}/large-magnitude`,
      inputs: [{ shape: [4, 7], gen: large, layout: false }],
      dtypes: ['float32', 'float16'],
      run: ([x]) => fn(x!, -1),
      ref: ([x]) => rf(x!, -1),
      tolScale: 3,
      norm: name === 'logSoftmax',
    });
    return base;
  });

const normCases = (): OpCase[] => {
  const cases: OpCase[] = [];
  const variants: [string, boolean, boolean][] = [['weight-bias', true, true], ['plain', false, false], ['weight-only', true, false], ['bias-only', false, true]];
  for (const [ns, x] of [[8, [2, 3, 8]], [[3, 8], [2, 3, 8]]] as [number | number[], number[]][]) {
    const nsArr = Array.isArray(ns) ? ns : [ns];
    for (const [v, hasW, hasB] of variants) {
      const inputs: InputSpec[] = [{ shape: x, gen: (r) => 3 + 2 * r.normal() }];
      if (hasW) inputs.push({ shape: nsArr, layout: false });
      if (hasB) inputs.push({ shape: nsArr, layout: false });
      cases.push({
        id: `nn/layerNorm/${Array.isArray(ns) ? 'shape' : 'n'}${nsArr.join('x')}-${v}`,
        inputs,
        dtypes: F,
        run: ([t, ...wb]) => tc.layerNorm(t!, ns, hasW ? wb[0] : undefined, hasB ? wb[hasW ? 1 : 0] : undefined),
        ref: ([t, ...wb]) => R.layerNorm(t!, nsArr, hasW ? wb[0] : undefined, hasB ? wb[hasW ? 1 : 0] : undefined),
        tolScale: 4,
        norm: true,
      });
    }
  }
  cases.push({
    id: 'nn/layerNorm/eps1e-2',
    inputs: [{ shape: [3, 5], gen: G.uniform(-0.1, 0.1) }, { shape: [5], layout: false }, { shape: [5], layout: false }],
    run: ([t, w, b]) => tc.layerNorm(t!, 5, w, b, 1e-2),
    ref: ([t, w, b]) => R.layerNorm(t!, [5], w, b, 1e-2),
    norm: true,
    tolScale: 4,
  });
  for (const hasW of [true, false]) {
    cases.push({
      id: `nn/rmsNorm/${hasW ? 'weight' : 'plain'}`,
      inputs: hasW ? [{ shape: [2, 3, 8] }, { shape: [8], layout: false }] : [{ shape: [2, 3, 8] }],
      dtypes: F,
      run: ([t, w]) => tc.rmsNorm(t!, 8, hasW ? w : undefined),
      ref: ([t, w]) => R.rmsNorm(t!, [8], hasW ? w : undefined),
      tolScale: 4,
      norm: true,
    });
  }
  cases.push({
    id: 'nn/rmsNorm/shape-eps1e-2',
    inputs: [{ shape: [2, 3, 4], gen: G.uniform(-0.2, 0.2) }, { shape: [3, 4], layout: false }],
    run: ([t, w]) => tc.rmsNorm(t!, [3, 4], w, 1e-2),
    ref: ([t, w]) => R.rmsNorm(t!, [12], w, 1e-2),
    tolScale: 4,
    norm: true,
  });
  return cases;
};

type Red = 'mean' | 'sum' | 'none';
const TARGET = [2, -100, 4, 0, 1, -100];

const crossEntropyCases = (): OpCase[] => {
  const out: OpCase[] = [];
  const opts: [string, { ignoreIndex?: number; labelSmoothing?: number }, number[]][] = [
    ['default', {}, [2, 3, 4, 0, 1, 3]],
    ['ignore-100', {}, TARGET],
    ['ignoreIndex3', { ignoreIndex: 3 }, [2, 3, 4, 0, 3, 1]],
    ['smoothing0.1', { labelSmoothing: 0.1 }, [2, 3, 4, 0, 1, 3]],
    ['smoothing0.2-ignore', { labelSmoothing: 0.2 }, TARGET],
  ];
  for (const [name, o, target] of opts) {
    for (const reduction of ['mean', 'sum', 'none'] as Red[]) {
      out.push({
        id: `nn/crossEntropy/${name}-${reduction}`,
        inputs: [{ shape: [6, 5], gen: G.normal(2) }, { shape: [6], dtype: 'int32', values: target, layout: false }],
        run: ([l, t]) => tc.crossEntropy(l!, t!, { ...o, reduction }),
        ref: ([l, t]) => R.crossEntropy(l!, t!, { ...o, reduction }),
        norm: true,
        tolScale: 3,
      });
    }
  }
  out.push({
    id: 'nn/crossEntropy/default-options',
    inputs: [{ shape: [4, 3], gen: G.normal(2) }, { shape: [4], dtype: 'int32', values: [0, 2, 1, 2], layout: false }],
    run: ([l, t]) => tc.crossEntropy(l!, t!),
    ref: ([l, t]) => R.crossEntropy(l!, t!),
    tolScale: 3,
  });
  out.push({
    id: 'nn/crossEntropy/large-logits',
    inputs: [
      { shape: [3, 5], values: [1000, 1001, 999, 1000.5, 998, -3, 2, 1, 0.5, -1, -1000, -999, -1001, -1000.25, -998] },
      { shape: [3], dtype: 'int32', values: [1, 0, 4], layout: false },
    ],
    run: ([l, t]) => tc.crossEntropy(l!, t!, { reduction: 'none' }),
    ref: ([l, t]) => R.crossEntropy(l!, t!, { reduction: 'none' }),
    tolScale: 3,
    norm: true,
  });
  return out;
};

const INDEX_DTYPES = ['float32', 'float16', 'bfloat16', 'int32'] as const;

const gatherCases = (): OpCase[] => [
  {
    id: 'nn/gather/dim1',
    inputs: [{ shape: [4, 6] }, { shape: [4, 3], dtype: 'int32', gen: G.int(0, 6), layout: false }],
    dtypes: INDEX_DTYPES,
    run: ([x, i]) => tc.gather(x!, 1, i!),
    ref: ([x, i]) => R.gather(x!, 1, i!),
    exact: true,
  },
  {
    id: 'nn/gather/dim0-3d-smaller-index',
    inputs: [{ shape: [5, 3, 4] }, { shape: [4, 2, 3], dtype: 'int32', gen: G.int(0, 5), layout: false }],
    dtypes: INDEX_DTYPES,
    run: ([x, i]) => tc.gather(x!, 0, i!),
    ref: ([x, i]) => R.gather(x!, 0, i!),
    exact: true,
  },
  {
    id: 'nn/gather/dim-negative',
    inputs: [{ shape: [3, 5] }, { shape: [3, 7], dtype: 'int32', gen: G.int(0, 5), layout: false }],
    run: ([x, i]) => tc.gather(x!, -1, i!),
    ref: ([x, i]) => R.gather(x!, 1, i!),
    exact: true,
  },
  ...[0, 1, -1].map((dim): OpCase => ({
    id: `nn/indexSelect/dim${dim}`,
    inputs: [{ shape: [4, 5, 3] }, { shape: [6], dtype: 'int32', values: dim === 1 ? [4, 0, 2, 4, 1, 0] : [2, 0, 1, 2, 0, 1], layout: false }],
    dtypes: INDEX_DTYPES,
    run: ([x, i]) => tc.indexSelect(x!, dim, i!),
    ref: ([x, i]) => R.indexSelect(x!, dim, i!),
    exact: true,
  })),
  {
    id: 'nn/embedding/repeated',
    inputs: [{ shape: [2, 5], dtype: 'int32', values: [1, 3, 3, 0, 6, 6, 6, 2, 1, 1], layout: false }, { shape: [7, 4] }],
    dtypes: F,
    run: ([i, w]) => tc.embedding(i!, w!),
    ref: ([i, w]) => R.embedding(i!, w!),
    exact: true,
  },
  {
    id: 'nn/embedding/1d-indices',
    inputs: [{ shape: [3], dtype: 'int32', values: [4, 0, 4], layout: false }, { shape: [5, 6] }],
    run: ([i, w]) => tc.embedding(i!, w!),
    ref: ([i, w]) => R.embedding(i!, w!),
    exact: true,
  },
  {
    id: 'nn/scatterAdd/dim0-collisions',
    inputs: [{ shape: [4, 3] }, { shape: [7, 3], dtype: 'int32', gen: G.int(0, 4), layout: false }, { shape: [7, 3] }],
    dtypes: [...F, 'int32'],
    run: ([x, i, s]) => tc.scatterAdd(x!, 0, i!, s!),
    ref: ([x, i, s]) => R.scatterAdd(x!, 0, i!, s!),
    tolScale: 3,
    norm: true,
  },
  {
    id: 'nn/scatterAdd/dim1',
    inputs: [{ shape: [3, 6] }, { shape: [3, 4], dtype: 'int32', values: [0, 5, 0, 2, 1, 1, 1, 3, 5, 4, 3, 5], layout: false }, { shape: [3, 4] }],
    dtypes: ['float32', 'int32'],
    run: ([x, i, s]) => tc.scatterAdd(x!, 1, i!, s!),
    ref: ([x, i, s]) => R.scatterAdd(x!, 1, i!, s!),
    norm: true,
  },
];

interface AttnDef {
  name: string;
  q: number[]; k: number[]; v: number[];
  mask?: { shape: number[]; bool: boolean; values?: number[] };
  causal?: boolean;
  scale?: number;
  dropoutP?: number;
}

const ATTN: AttnDef[] = [
  { name: 'no-mask', q: [2, 3, 4], k: [2, 5, 4], v: [2, 5, 6] },
  { name: 'heads-4d', q: [2, 2, 3, 4], k: [2, 2, 3, 4], v: [2, 2, 3, 4] },
  { name: 'scale', q: [2, 3, 4], k: [2, 3, 4], v: [2, 3, 4], scale: 0.7 },
  { name: 'dropout0', q: [2, 3, 4], k: [2, 3, 4], v: [2, 3, 4], dropoutP: 0 },
  { name: 'bool-mask', q: [2, 3, 4], k: [2, 5, 4], v: [2, 5, 3], mask: { shape: [3, 5], bool: true, values: [1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1] } },
  { name: 'bool-mask-padding', q: [2, 2, 3, 4], k: [2, 2, 5, 4], v: [2, 2, 5, 4], mask: { shape: [2, 1, 1, 5], bool: true, values: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0] } },
  { name: 'float-mask', q: [2, 3, 4], k: [2, 5, 4], v: [2, 5, 3], mask: { shape: [2, 1, 5], bool: false } },
  { name: 'causal', q: [2, 4, 4], k: [2, 4, 4], v: [2, 4, 3], causal: true },
  { name: 'causal-tq<tk', q: [2, 3, 4], k: [2, 5, 4], v: [2, 5, 3], causal: true },
  { name: 'causal-tq1', q: [2, 1, 4], k: [2, 5, 4], v: [2, 5, 3], causal: true },
];

const attentionCases = (): OpCase[] =>
  ATTN.map((a) => {
    const inputs: InputSpec[] = [{ shape: a.q }, { shape: a.k }, { shape: a.v }];
    if (a.mask) {
      inputs.push(a.mask.bool
        ? { shape: a.mask.shape, dtype: 'bool', values: a.mask.values, layout: false }
        : { shape: a.mask.shape, dtype: 'float32', gen: G.uniform(-2, 0), diff: false, layout: false });
    }
    return {
      id: `nn/attention/${a.name}`,
      inputs,
      dtypes: F,
      run: ([q, k, v, m]) => tc.scaledDotProductAttention(q!, k!, v!, {
        ...(m ? { attnMask: m } : {}),
        ...(a.causal ? { isCausal: true } : {}),
        ...(a.scale !== undefined ? { scale: a.scale } : {}),
        ...(a.dropoutP !== undefined ? { dropoutP: a.dropoutP } : {}),
      }),
      ref: ([q, k, v, m]) => R.attention(q!, k!, v!, { mask: m, maskIsBool: a.mask?.bool, causal: a.causal, scale: a.scale }),
      tolScale: 5,
      norm: true,
    } satisfies OpCase;
  });

const adamwCases = (): OpCase[] =>
  [
    { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 1 },
    { lr: 0.05, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.1, step: 3 },
    { lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, step: 10 },
  ].map((o, k): OpCase => ({
    id: `nn/adamwUpdate/${k}-step${o.step}-wd${o.weightDecay}`,
    inputs: [{ shape: [3, 5] }, { shape: [3, 5] }, { shape: [3, 5], gen: G.uniform(-0.1, 0.1) }, { shape: [3, 5], gen: G.uniform(1e-4, 0.05) }],
    layouts: ['contiguous'],
    run: ([p, g, m, v]) => { const r = tc.adamwUpdate(p!, g!, m!, v!, o); return [r.param, r.m, r.v]; },
    ref: ([p, g, m, v]) => { const r = R.adamw(p!, g!, m!, v!, o); return [r.param, r.m, r.v]; },
    grad: false,
  }));

export function nnCases(): OpCase[] {
  return [...matmulCases(), ...largeMatmulCases(), ...softmaxCases(), ...normCases(), ...crossEntropyCases(), ...gatherCases(), ...attentionCases(), ...adamwCases()];
}

export type { Tensor };
