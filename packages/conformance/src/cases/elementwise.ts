/** Elementwise ops: unary, binary with broadcasting, scalar operands, type promotion, where/clamp/maskedFill, tril/triu, cast. */
import * as tc from '@tessera/core';
import type { DType, Tensor } from '@tessera/core';
import { G, type Gen, type OpCase } from '../check.js';
import { ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES, roundTo } from '../numeric.js';
import * as R from '../reference.js';
import { m } from '../methods.js';

const F = FLOAT_DTYPES;
const SIGNED_INTS: DType[] = ['int32', 'int8'];
const UNARY_SHAPE = [3, 5];

type Fn1 = (x: number) => number;

interface UnaryDef { name: string; f: Fn1; run: (x: Tensor) => Tensor; gen?: Gen; dtypes?: readonly DType[]; tolScale?: number }

const unaryDefs: UnaryDef[] = [
  { name: 'neg', f: (x) => -x, run: (x) => tc.neg(x), dtypes: [...F, ...SIGNED_INTS] },
  { name: 'exp', f: Math.exp, run: (x) => tc.exp(x) },
  { name: 'log', f: Math.log, run: (x) => tc.log(x), gen: G.positive },
  { name: 'sqrt', f: Math.sqrt, run: (x) => tc.sqrt(x), gen: G.positive },
  { name: 'rsqrt', f: (x) => 1 / Math.sqrt(x), run: (x) => tc.rsqrt(x), gen: G.positive },
  { name: 'sin', f: Math.sin, run: (x) => tc.sin(x), gen: G.uniform(-4, 4) },
  { name: 'cos', f: Math.cos, run: (x) => tc.cos(x), gen: G.uniform(-4, 4) },
  { name: 'tanh', f: Math.tanh, run: (x) => tc.tanh(x) },
  { name: 'abs', f: Math.abs, run: (x) => tc.abs(x), dtypes: [...F, ...SIGNED_INTS] },
  { name: 'sigmoid', f: R.sigmoid, run: (x) => tc.sigmoid(x), gen: G.uniform(-6, 6) },
  { name: 'relu', f: (x) => Math.max(x, 0), run: (x) => tc.relu(x), dtypes: [...F, 'int32'] },
  { name: 'silu', f: (x) => x * R.sigmoid(x), run: (x) => tc.silu(x), gen: G.uniform(-5, 5), tolScale: 2 },
  { name: 'erf', f: R.erf, run: (x) => tc.erf(x) },
  { name: 'square', f: (x) => x * x, run: (x) => tc.square(x), dtypes: [...F, ...SIGNED_INTS] },
  { name: 'reciprocal', f: (x) => 1 / x, run: (x) => tc.reciprocal(x), gen: G.away },
  { name: 'sign', f: Math.sign, run: (x) => tc.sign(x), dtypes: [...F, ...SIGNED_INTS] },
  { name: 'gelu-erf', f: R.geluErf, run: (x) => tc.gelu(x, { approximate: 'none' }), gen: G.uniform(-4, 4), tolScale: 2 },
  { name: 'gelu-tanh', f: R.geluTanh, run: (x) => tc.gelu(x, { approximate: 'tanh' }), gen: G.uniform(-4, 4), tolScale: 2 },
  { name: 'gelu-default', f: R.geluErf, run: (x) => tc.gelu(x), gen: G.uniform(-4, 4), tolScale: 2 },
];

const unaryCases = (): OpCase[] =>
  unaryDefs.map((u) => ({
    id: `elementwise/${u.name}`,
    inputs: [{ shape: UNARY_SHAPE, gen: u.gen }],
    dtypes: u.dtypes ?? F,
    run: ([x]) => u.run(x!),
    ref: ([x]) => R.map(x!, u.f),
    tolScale: u.tolScale,
  }));

/** Saturating / large-magnitude inputs: no NaN, no overflow where the result is finite. */
const LARGE = [-100, -40, -12.5, 12.5, 40, 100];
const stabilityCases = (): OpCase[] =>
  (
    [
      ['sigmoid', R.sigmoid, (x: Tensor) => tc.sigmoid(x)],
      ['tanh', Math.tanh, (x: Tensor) => tc.tanh(x)],
      ['silu', (x: number) => x * R.sigmoid(x), (x: Tensor) => tc.silu(x)],
      ['gelu-erf', R.geluErf, (x: Tensor) => tc.gelu(x, { approximate: 'none' })],
      ['gelu-tanh', R.geluTanh, (x: Tensor) => tc.gelu(x, { approximate: 'tanh' })],
      ['erf', R.erf, (x: Tensor) => tc.erf(x)],
    ] as [string, Fn1, (x: Tensor) => Tensor][]
  ).map(([name, f, run]) => ({
    id: `elementwise/large-inputs/${name}`,
    inputs: [{ shape: [6], values: LARGE }],
    dtypes: ['float32', 'bfloat16'],
    run: ([x]) => run(x!),
    ref: ([x]) => R.map(x!, f),
    grad: false,
  }));

interface BinaryDef {
  name: string;
  f: (a: number, b: number) => number;
  run: (a: Tensor, b: Tensor) => Tensor;
  dtypes: readonly DType[];
  pairs: number[][][];
  genA?: Gen;
  genB?: Gen;
  out?: (d: DType) => DType;
}

const ALL_PAIRS = [
  [[3, 4], [3, 4]],
  [[3, 4], [4]],
  [[2, 1, 4], [3, 1]],
  [[], [2, 3]],
  [[2, 3], []],
  [[4, 1, 3], [4, 5, 3]],
  [[1], [5]],
  [[5, 1, 1], [1, 1, 1]],
];
const FEW_PAIRS = [ALL_PAIRS[0]!, ALL_PAIRS[2]!, ALL_PAIRS[3]!];
const toBool = (v: boolean) => (v ? 1 : 0);
const cmpGen = G.int(-2, 3); // small integers so that ties (==) happen

const binaryDefs: BinaryDef[] = [
  { name: 'add', f: (a, b) => a + b, run: (a, b) => tc.add(a, b), dtypes: [...F, ...INT_DTYPES], pairs: ALL_PAIRS },
  { name: 'sub', f: (a, b) => a - b, run: (a, b) => tc.sub(a, b), dtypes: [...F, ...INT_DTYPES], pairs: ALL_PAIRS },
  { name: 'mul', f: (a, b) => a * b, run: (a, b) => tc.mul(a, b), dtypes: [...F, ...INT_DTYPES], pairs: ALL_PAIRS },
  { name: 'div', f: (a, b) => a / b, run: (a, b) => tc.div(a, b), dtypes: F, pairs: ALL_PAIRS, genB: G.away },
  {
    name: 'div-int', f: (a, b) => a / b, run: (a, b) => tc.div(a, b), dtypes: ['int32'], pairs: FEW_PAIRS, genB: G.away,
    out: () => 'float32',
  },
  {
    name: 'pow', f: (a, b) => a ** b, run: (a, b) => tc.pow(a, b), dtypes: F, pairs: FEW_PAIRS,
    genA: G.positive, genB: G.uniform(-2, 2),
  },
  { name: 'maximum', f: Math.max, run: (a, b) => tc.maximum(a, b), dtypes: [...F, ...INT_DTYPES], pairs: ALL_PAIRS },
  { name: 'minimum', f: Math.min, run: (a, b) => tc.minimum(a, b), dtypes: [...F, ...INT_DTYPES], pairs: FEW_PAIRS },
  ...(
    [
      ['lt', (a: number, b: number) => a < b, tc.lt],
      ['le', (a: number, b: number) => a <= b, tc.le],
      ['gt', (a: number, b: number) => a > b, tc.gt],
      ['ge', (a: number, b: number) => a >= b, tc.ge],
      ['eq', (a: number, b: number) => a === b, tc.eq],
      ['ne', (a: number, b: number) => a !== b, tc.ne],
    ] as [string, (a: number, b: number) => boolean, (a: Tensor, b: Tensor) => Tensor][]
  ).map(([name, f, fn]): BinaryDef => ({
    name, f: (a, b) => toBool(f(a, b)), run: (a, b) => fn(a, b),
    dtypes: name === 'eq' || name === 'ne' ? ALL_DTYPES : [...F, ...INT_DTYPES],
    pairs: FEW_PAIRS, genA: cmpGen, genB: cmpGen, out: () => 'bool',
  })),
  {
    name: 'logicalAnd', f: (a, b) => toBool(!!a && !!b), run: (a, b) => tc.logicalAnd(a, b), dtypes: ['bool', 'float32'],
    pairs: FEW_PAIRS, genA: G.int(0, 2), genB: G.int(0, 2), out: () => 'bool',
  },
  {
    name: 'logicalOr', f: (a, b) => toBool(!!a || !!b), run: (a, b) => tc.logicalOr(a, b), dtypes: ['bool', 'float32'],
    pairs: FEW_PAIRS, genA: G.int(0, 2), genB: G.int(0, 2), out: () => 'bool',
  },
];

const shapeId = (s: number[]) => (s.length ? s.join('x') : 'scalar');

const binaryCases = (): OpCase[] =>
  binaryDefs.flatMap((b) =>
    b.pairs.map(([sa, sb]): OpCase => ({
      id: `elementwise/${b.name}/${shapeId(sa!)}-${shapeId(sb!)}`,
      inputs: [{ shape: sa!, gen: b.genA }, { shape: sb!, gen: b.genB }],
      dtypes: b.dtypes,
      run: ([x, y]) => b.run(x!, y!),
      ref: ([x, y]) => R.zip(x!, y!, b.f),
      outDtype: b.out,
      tolScale: b.name === 'pow' ? 2 : 1,
    })),
  );

const otherCases = (): OpCase[] => [
  {
    id: 'elementwise/logicalNot',
    inputs: [{ shape: [3, 4], gen: G.int(0, 2) }],
    dtypes: ['bool', 'float32', 'int32'],
    run: ([x]) => tc.logicalNot(x!),
    ref: ([x]) => R.map(x!, (v) => toBool(!v)),
    outDtype: () => 'bool',
  },
  {
    id: 'elementwise/where/broadcast',
    inputs: [{ shape: [3, 1, 5], dtype: 'bool', gen: G.bool }, { shape: [3, 4, 5] }, { shape: [4, 1] }],
    dtypes: ALL_DTYPES,
    run: ([c, a, b]) => tc.where(c!, a!, b!),
    ref: ([c, a, b]) => R.zipN([c!, a!, b!], (m, p, q) => (m ? p : q)),
  },
  {
    id: 'elementwise/where/same-shape',
    inputs: [{ shape: [4, 6], dtype: 'bool', gen: G.bool }, { shape: [4, 6] }, { shape: [4, 6] }],
    dtypes: F,
    run: ([c, a, b]) => tc.where(c!, a!, b!),
    ref: ([c, a, b]) => R.zipN([c!, a!, b!], (m, p, q) => (m ? p : q)),
  },
  ...(
    [
      ['min-max', -0.55, 0.65],
      ['min-only', -0.35, undefined],
      ['max-only', undefined, 0.45],
    ] as [string, number | undefined, number | undefined][]
  ).map(([name, lo, hi]): OpCase => ({
    id: `elementwise/clamp/${name}`,
    inputs: [{ shape: [4, 5] }],
    dtypes: F,
    run: ([x]) => tc.clamp(x!, lo, hi),
    ref: ([x]) => R.map(x!, (v) => Math.min(Math.max(v, lo ?? -Infinity), hi ?? Infinity)),
  })),
  {
    id: 'elementwise/clamp/int32',
    inputs: [{ shape: [4, 5] }],
    dtypes: ['int32', 'int8'],
    run: ([x]) => tc.clamp(x!, -3, 4),
    ref: ([x]) => R.map(x!, (v) => Math.min(Math.max(v, -3), 4)),
  },
  {
    id: 'elementwise/maskedFill/broadcast',
    inputs: [{ shape: [3, 4, 5] }, { shape: [4, 5], dtype: 'bool', gen: G.bool }],
    dtypes: [...F, 'int32'],
    run: ([x, m]) => tc.maskedFill(x!, m!, -2),
    ref: ([x, m]) => R.zip(x!, m!, (v, k) => (k ? -2 : v)),
  },
  {
    id: 'elementwise/maskedFill/large-negative',
    inputs: [{ shape: [2, 1, 6] }, { shape: [2, 3, 1], dtype: 'bool', gen: G.bool }],
    dtypes: ['float32'],
    run: ([x, m]) => tc.maskedFill(x!, m!, -1e9),
    ref: ([x, m]) => R.zip(x!, m!, (v, k) => (k ? Math.fround(-1e9) : v)),
  },
  ...[0, 1, -1, 3].flatMap((diag) =>
    (['tril', 'triu'] as const).map((which): OpCase => ({
      id: `elementwise/${which}/diag${diag}`,
      inputs: [{ shape: [2, 4, 5] }],
      dtypes: ALL_DTYPES,
      run: ([x]) => (which === 'tril' ? tc.tril(x!, diag) : tc.triu(x!, diag)),
      ref: ([x]) => R.triangle(x!, diag, which === 'triu'),
    })),
  ),
  {
    id: 'elementwise/tril/default-diagonal',
    inputs: [{ shape: [5, 5] }],
    run: ([x]) => tc.tril(x!),
    ref: ([x]) => R.triangle(x!, 0, false),
  },
];

/** Scalar (number) operands: the tensor's dtype wins unless a float number meets an int tensor (-> float32). */
const scalarCases = (): OpCase[] => {
  const mk = (name: string, dtypes: readonly DType[], run: (x: Tensor) => Tensor, f: Fn1, gen?: Gen, out?: (d: DType) => DType): OpCase => ({
    id: `elementwise/scalar/${name}`,
    inputs: [{ shape: [3, 4], gen }],
    dtypes,
    run: ([x]) => run(x!),
    ref: ([x]) => R.map(x!, f),
    outDtype: out,
  });
  return [
    mk('add-2.5', F, (x) => tc.add(x, 2.5), (v) => v + 2.5),
    mk('add-int', ['int32', 'int8', 'uint8'], (x) => tc.add(x, 3), (v) => v + 3),
    mk('add-float-to-int', ['int32', 'uint8'], (x) => tc.add(x, 0.5), (v) => v + 0.5, undefined, () => 'float32'),
    mk('sub-1.25', F, (x) => tc.sub(x, 1.25), (v) => v - 1.25),
    mk('number-minus-tensor', F, (x) => tc.sub(1.5, x as never), (v) => 1.5 - v),
    mk('mul--3', [...F, 'int32', 'int8'], (x) => tc.mul(x, -3), (v) => v * -3),
    mk('div-4', F, (x) => tc.div(x, 4), (v) => v / 4),
    mk('number-over-tensor', F, (x) => tc.div(2, x as never), (v) => 2 / v, G.away),
    mk('pow-2.5', F, (x) => tc.pow(x, 2.5), (v) => v ** 2.5, G.positive),
    mk('pow-2', F, (x) => tc.pow(x, 2), (v) => v ** 2),
    mk('pow--1.5', ['float32'], (x) => tc.pow(x, -1.5), (v) => v ** -1.5, G.positive),
    mk('number-pow-tensor', ['float32'], (x) => tc.pow(2, x as never), (v) => 2 ** v),
    mk('method-add', F, (x) => m(x).add(2), (v) => v + 2),
  ];
};

/** Mixed-dtype tensor operands (PyTorch promotion): [a dtype, b dtype, result]. */
const PROMOTIONS: [DType, DType, DType][] = [
  ['float32', 'float16', 'float32'],
  ['float16', 'bfloat16', 'float32'],
  ['bfloat16', 'float32', 'float32'],
  ['int32', 'float16', 'float16'],
  ['int32', 'bfloat16', 'bfloat16'],
  ['int8', 'uint8', 'int32'],
  ['bool', 'int8', 'int8'],
  ['uint8', 'int32', 'int32'],
  ['bool', 'float32', 'float32'],
  ['int8', 'float32', 'float32'],
];

const promotionCases = (): OpCase[] =>
  PROMOTIONS.flatMap(([a, b, out]) =>
    (['add', 'mul'] as const).map((op): OpCase => ({
      id: `promotion/${op}/${a}+${b}`,
      inputs: [{ shape: [3, 4], dtype: a }, { shape: [4], dtype: b }],
      dtypes: [out],
      run: ([x, y]) => (op === 'add' ? tc.add(x!, y!) : tc.mul(x!, y!)),
      ref: ([x, y]) => R.zip(x!, y!, (p, q) => (op === 'add' ? p + q : p * q)),
      outDtype: () => out,
      grad: false,
    })),
  );

/** cast / to(dtype): float->int truncates toward zero and wraps; ->bool is != 0; ->16-bit floats round to nearest even. */
const castGen: Gen = (r, d) => {
  if (d === 'bool') return r.bool() ? 1 : 0;
  if (d === 'uint8') return r.int(0, 256);
  if (d === 'int8') return r.int(-128, 128);
  if (d === 'int32') return r.next() < 0.2 ? 0 : r.int(-300, 300);
  return r.next() < 0.15 ? 0 : r.uniform(-120, 120);
};

const castCases = (): OpCase[] =>
  ALL_DTYPES.map((to): OpCase => ({
    id: `cast/to-${to}`,
    inputs: [{ shape: [4, 6], gen: castGen }],
    dtypes: ALL_DTYPES,
    run: ([x]) => tc.cast(x!, to),
    ref: ([x]) => R.map(x!, (v) => roundTo(to, v)),
    outDtype: () => to,
    exact: true,
    grad: false,
  }));

export function elementwiseCases(): OpCase[] {
  return [...unaryCases(), ...stabilityCases(), ...binaryCases(), ...otherCases(), ...scalarCases(), ...promotionCases(), ...castCases()];
}

