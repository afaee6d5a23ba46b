/**
 * The two drivers every op case goes through:
 * - checkForward: one op case, one dtype, one memory layout of its inputs, against the float64 reference;
 * - checkGrad: gradients of sum(op(x) * g) (g a random upstream) from the backend, against central
 *   differences of the same scalar computed with the float64 reference (eps 1e-6 relative; error
 *   ~1e-9, far below float32 resolution, so the backend's float32 gradient is checked at ~1e-3).
 * Inputs are placed in one of four layouts so every op family also sees views: contiguous,
 * transposed (last two dims swapped), sliced (step 2, offset 1 on the last dim) and expanded (a
 * size-1 dim broadcast with stride 0). For gradients the leaf is the underlying base tensor, so the
 * backward of the view op (including the sum over expanded dims) is checked too.
 */
import * as tc from '@tessera/core';
import type { DType, Tensor } from '@tessera/core';
import type { Ctx, Tol } from './context.js';
import { type ND, broadcastTo, nd, numel, sliceND, transpose } from './reference.js';
import { Rng, isFloatDType, roundTo } from './numeric.js';

export type Layout = 'contiguous' | 'transposed' | 'sliced' | 'expanded';
export const LAYOUTS: readonly Layout[] = ['contiguous', 'transposed', 'sliced', 'expanded'];

/** Value generator for one input element (values are rounded to the input's dtype afterwards). */
export type Gen = (rng: Rng, dtype: DType, index: number) => number;

export const G = {
  /** Never zero: ±U(0.1, 2) for floats; ±[1, 9] for signed ints; [1, 15] for uint8; random for bool. */
  signed: ((r, d) => {
    if (d === 'bool') return r.bool() ? 1 : 0;
    if (d === 'uint8') return r.int(1, 16);
    if (d === 'int32' || d === 'int8') return (r.bool() ? -1 : 1) * r.int(1, 10);
    return r.signed();
  }) as Gen,
  /** Strictly positive: U(0.2, 3) (log, sqrt, rsqrt, pow bases); ints [1, 9]. */
  positive: ((r, d) => (isFloatDType(d) ? r.uniform(0.2, 3) : r.int(1, 10))) as Gen,
  /** |x| >= 0.5 (denominators). */
  away: ((r, d) => (isFloatDType(d) ? r.signed(0.5, 2) : (r.bool() ? -1 : 1) * r.int(1, 10))) as Gen,
  uniform: (lo: number, hi: number): Gen => (r) => r.uniform(lo, hi),
  int: (lo: number, hiExclusive: number): Gen => (r) => r.int(lo, hiExclusive),
  bool: ((r) => (r.bool() ? 1 : 0)) as Gen,
  normal: (scale = 1): Gen => (r) => scale * r.normal(),
};

export interface InputSpec {
  shape: number[];
  /** 'same' (default) = the dtype under test. */
  dtype?: DType | 'same';
  gen?: Gen;
  /** Differentiable (default: float inputs). */
  diff?: boolean;
  /** Apply the case's layouts to this input (default true). */
  layout?: boolean;
  /** Fixed values (row-major) instead of generated ones. */
  values?: number[];
}

export interface OpCase {
  id: string;
  inputs: InputSpec[];
  /** dtypes of the 'same' inputs to test (default ['float32']). */
  dtypes?: readonly DType[];
  run: (xs: Tensor[]) => Tensor | Tensor[];
  ref: (xs: ND[], dtype: DType) => ND | ND[];
  /** Output dtype for a given input dtype (default: the same). */
  outDtype?: (d: DType) => DType;
  /** Multiplies the dtype tolerance (ops that round several times). */
  tolScale?: number;
  /** Tolerance also relative to max |expected| of the output (sums, matmul, normalisations). */
  norm?: boolean;
  /** Bit-exact comparison (movement ops, casts, selections). */
  exact?: boolean;
  layouts?: readonly Layout[];
  /** Gradient check: default on for float outputs with a float input. */
  grad?: boolean | { layouts?: readonly Layout[]; tol?: Partial<Tol> };
}

// ---- tensors <-> ND ------------------------------------------------------------------------------

export function makeTensor(x: ND, dtype: DType, extra: Record<string, unknown> = {}): Tensor {
  if (x.shape.length === 0) return tc.tensor(dtype === 'bool' ? x.data[0] !== 0 : x.data[0]!, { dtype, ...extra });
  const vals = dtype === 'bool' ? Array.from(x.data, (v) => v !== 0) : Array.from(x.data);
  return tc.tensor(vals, { shape: [...x.shape], dtype, ...extra });
}

export async function readND(t: Tensor): Promise<ND> {
  const v = await t.numbers();
  return nd(t.shape, Array.from(v as ArrayLike<number>, Number));
}

export const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

export function disposeAll(ts: (Tensor | undefined)[]): void {
  for (let i = ts.length - 1; i >= 0; i--) {
    try { ts[i]?.dispose(); } catch { /* reported by the memory cases, not here */ }
  }
}

// ---- comparison ------------------------------------------------------------------------------------

export interface CheckTol extends Tol { norm?: number }

const fmtShape = (s: readonly number[]) => `[${s.join(', ')}]`;

/** |a - e| <= atol + rtol * |e| + norm * max|E|; NaN must match NaN, infinities must match exactly. */
export function assertClose(actual: ArrayLike<number>, expected: ND, tol: CheckTol, label: string): void {
  if (actual.length !== expected.data.length) {
    throw new Error(`${label}: ${actual.length} elements, expected ${expected.data.length} (shape ${fmtShape(expected.shape)})`);
  }
  let maxAbs = 0;
  for (const e of expected.data) if (Number.isFinite(e)) maxAbs = Math.max(maxAbs, Math.abs(e));
  const bad: string[] = [];
  let nBad = 0, worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = Number(actual[i]), e = expected.data[i]!;
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e)) ok = a === e;
    else {
      const err = Math.abs(a - e);
      ok = err <= tol.atol + tol.rtol * Math.abs(e) + (tol.norm ?? 0) * maxAbs;
      if (!ok || Number.isNaN(err)) worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
      ok = ok && !Number.isNaN(a);
    }
    if (!ok) {
      nBad++;
      if (bad.length < 6) bad.push(`[${i}] got ${a}, expected ${e}`);
    }
  }
  if (nBad) {
    throw new Error(
      `${label}: ${nBad}/${actual.length} elements outside |a-e| <= ${tol.atol} + ${tol.rtol}*|e|` +
        `${tol.norm ? ` + ${tol.norm}*${maxAbs.toPrecision(3)}` : ''} (max err ${worst.toPrecision(3)}); ${bad.join('; ')}`,
    );
  }
}

export function assertShape(t: Tensor, shape: readonly number[], label: string): void {
  if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
    throw new Error(`${label}: shape ${fmtShape(t.shape)}, expected ${fmtShape(shape)}`);
  }
}

/** Full check of one backend tensor against a reference: shape, dtype, values (ints/bool exact). */
export async function expectTensor(t: Tensor, e: ND, dtype: DType, tol: CheckTol, label: string): Promise<void> {
  assertShape(t, e.shape, label);
  if (t.dtype !== dtype) throw new Error(`${label}: dtype ${t.dtype}, expected ${dtype}`);
  const exp = isFloatDType(dtype) ? e : { shape: e.shape, data: e.data.map((v) => roundTo(dtype, v)) };
  assertClose((await readND(t)).data, exp, isFloatDType(dtype) ? tol : { rtol: 0, atol: 0 }, label);
}

// ---- layouts ---------------------------------------------------------------------------------------

interface Placement {
  baseShape: number[];
  view: (t: Tensor) => Tensor;
  ref: (b: ND) => ND;
}

function placement(layout: Layout, shape: number[]): Placement | null {
  const r = shape.length;
  switch (layout) {
    case 'contiguous':
      return { baseShape: shape, view: (t) => t, ref: (b) => b };
    case 'transposed': {
      if (r < 2) return null;
      const baseShape = [...shape];
      [baseShape[r - 1], baseShape[r - 2]] = [shape[r - 2]!, shape[r - 1]!];
      return { baseShape, view: (t) => tc.transpose(t, r - 2, r - 1), ref: (b) => transpose(b, r - 2, r - 1) };
    }
    case 'sliced': {
      if (r < 1) return null;
      const L = shape[r - 1]!;
      const baseShape = [...shape.slice(0, -1), 2 * L + 1];
      return { baseShape, view: (t) => tc.slice(t, r - 1, 1, 2 * L + 1, 2), ref: (b) => sliceND(b, r - 1, 1, 2 * L + 1, 2) };
    }
    case 'expanded': {
      const d = shape.findIndex((s) => s > 1);
      if (d < 0) return null;
      const baseShape = shape.map((s, k) => (k === d ? 1 : s));
      return { baseShape, view: (t) => tc.expand(t, shape), ref: (b) => broadcastTo(b, shape) };
    }
  }
}

interface Placed {
  spec: InputSpec;
  dtype: DType;
  base: ND;
  p: Placement;
}

function placeInputs(c: OpCase, dtype: DType, layout: Layout, rng: Rng): Placed[] | null {
  let applied = layout === 'contiguous';
  const out = c.inputs.map((spec) => {
    const dt = !spec.dtype || spec.dtype === 'same' ? dtype : spec.dtype;
    const pl = spec.layout === false || spec.values ? null : placement(layout, spec.shape);
    if (pl && layout !== 'contiguous') applied = true;
    const p = pl ?? placement('contiguous', spec.shape)!;
    const gen = spec.gen ?? G.signed;
    const base = spec.values
      ? nd(spec.shape, spec.values.map((v) => roundTo(dt, v)))
      : nd(p.baseShape, (i) => roundTo(dt, gen(rng, dt, i)));
    return { spec, dtype: dt, base, p };
  });
  return applied ? out : null;
}

const isDiff = (x: Placed) => (x.spec.diff ?? true) && isFloatDType(x.dtype);

// ---- drivers ---------------------------------------------------------------------------------------

export async function checkForward(ctx: Ctx, c: OpCase, dtype: DType, layout: Layout): Promise<void> {
  const rng = new Rng(`${c.id}|${dtype}|${layout}`);
  const placed = placeInputs(c, dtype, layout, rng);
  if (!placed) return; // the layout does not apply to these shapes
  const logical = placed.map((x) => x.p.ref(x.base));
  const expected = asArray(c.ref(logical, dtype));
  const outDtype = c.outDtype ? c.outDtype(dtype) : dtype;
  const made: Tensor[] = [];
  try {
    const views = placed.map((x) => {
      const b = makeTensor(x.base, x.dtype);
      made.push(b);
      const v = x.p.view(b);
      if (v !== b) made.push(v);
      return v;
    });
    const outs = asArray(c.run(views));
    made.push(...outs);
    if (outs.length !== expected.length) throw new Error(`${c.id}: ${outs.length} outputs, expected ${expected.length}`);
    const t = ctx.tol(outDtype, c.tolScale ?? 1);
    const tol: CheckTol = c.exact ? { rtol: 0, atol: 0 } : { ...t, norm: c.norm ? t.rtol : 0 };
    for (let k = 0; k < outs.length; k++) {
      const label = `${c.id} [${dtype}, ${layout}] output ${k} (inputs ${placed.map((x) => fmtShape(x.spec.shape)).join(', ')})`;
      await expectTensor(outs[k]!, expected[k]!, outDtype, tol, label);
    }
  } finally {
    disposeAll(made);
  }
}

/**
 * Central differences of L(bases) = sum_k sum(ref(views)_k * g_k) over every element of each diff
 * input. The difference is taken per output element before summing, so large constant outputs
 * (masked -1e9 fills) cancel exactly instead of swamping the sum.
 */
function numericGrads(c: OpCase, placed: Placed[], gs: ND[]): ND[] {
  // copies: a reference may return one of its inputs (identity ops), which is mutated below
  const outs = (bases: ND[]) => asArray(c.ref(bases.map((b, i) => placed[i]!.p.ref(b)), 'float32')).map((o) => o.data.slice());
  const bases = placed.map((x) => ({ shape: x.base.shape, data: x.base.data.slice() }));
  const grads: ND[] = [];
  placed.forEach((x, i) => {
    if (!isDiff(x)) return;
    const g = nd(x.base.shape);
    const d = bases[i]!.data;
    for (let j = 0; j < d.length; j++) {
      const x0 = d[j]!;
      const h = 1e-6 * Math.max(1, Math.abs(x0));
      d[j] = x0 + h; const op = outs(bases);
      d[j] = x0 - h; const om = outs(bases);
      d[j] = x0;
      let s = 0;
      op.forEach((o, k) => {
        const gk = gs[k]!.data, m = om[k]!;
        for (let e = 0; e < o.length; e++) if (o[e] !== m[e]) s += (o[e]! - m[e]!) * gk[e]!;
      });
      g.data[j] = s / (2 * h);
    }
    grads.push(g);
  });
  return grads;
}

export async function checkGrad(ctx: Ctx, c: OpCase, layout: Layout): Promise<void> {
  const rng = new Rng(`${c.id}|grad|${layout}`);
  const placed = placeInputs(c, 'float32', layout, rng);
  if (!placed) return;
  const outsRef = asArray(c.ref(placed.map((x) => x.p.ref(x.base)), 'float32'));
  const gs = outsRef.map((o) => nd(o.shape, () => Math.fround(rng.signed(0.2, 1.5))));
  const expected = numericGrads(c, placed, gs);
  const made: Tensor[] = [];
  try {
    const bases = placed.map((x) => { const t = makeTensor(x.base, x.dtype); made.push(t); return t; });
    const gT = gs.map((g) => { const t = makeTensor(g, 'float32'); made.push(t); return t; });
    const diffIdx = placed.map((x, i) => (isDiff(x) ? i : -1)).filter((i) => i >= 0);
    const f = (...leaves: Tensor[]): Tensor => {
      const xs = placed.map((x, i) => {
        const k = diffIdx.indexOf(i);
        return x.p.view(k >= 0 ? leaves[k]! : bases[i]!);
      });
      const outs = asArray(c.run(xs));
      let total: Tensor | undefined;
      outs.forEach((o, k) => {
        const s = tc.sum(tc.mul(o, gT[k]!));
        total = total ? tc.add(total, s) : s;
      });
      return total!;
    };
    const res = tc.grad(f)(...diffIdx.map((i) => bases[i]!));
    const grads = asArray(res as Tensor | Tensor[]);
    made.push(...grads);
    if (grads.length !== diffIdx.length) throw new Error(`${c.id}: grad returned ${grads.length} gradients for ${diffIdx.length} inputs`);
    const spec = typeof c.grad === 'object' ? c.grad.tol : undefined;
    const base = ctx.gradTol();
    const tol: CheckTol = { rtol: spec?.rtol ?? base.rtol, atol: spec?.atol ?? base.atol, norm: (spec?.rtol ?? base.rtol) / 10 };
    for (let k = 0; k < diffIdx.length; k++) {
      const x = placed[diffIdx[k]!]!;
      const label = `${c.id} grad [${layout}] of input ${diffIdx[k]} (base ${fmtShape(x.base.shape)})`;
      await expectTensor(grads[k]!, expected[k]!, 'float32', tol, label);
    }
  } finally {
    disposeAll(made);
  }
}

/** Whether a case gets a gradient check, and on which layouts. */
export function gradLayouts(c: OpCase): readonly Layout[] {
  if (c.grad === false) return [];
  const outFloat = isFloatDType(c.outDtype ? c.outDtype('float32') : 'float32');
  const anyDiff = c.inputs.some((s) => (s.diff ?? true) && (!s.dtype || s.dtype === 'same' || isFloatDType(s.dtype)));
  if (c.grad === undefined && !(outFloat && anyDiff)) return [];
  return (typeof c.grad === 'object' && c.grad.layouts) || c.layouts || LAYOUTS;
}

/** Runs every layout and reports all failing ones together (one layout failing must not hide another). */
async function eachLayout(layouts: readonly Layout[], fn: (l: Layout) => Promise<void>): Promise<void> {
  const errors: string[] = [];
  for (const layout of layouts) {
    try {
      await fn(layout);
    } catch (e) {
      errors.push(`[${layout}] ${e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e)}`);
    }
  }
  if (errors.length) throw new Error(errors.join('\n'));
}

/** Registers forward cases (one test per dtype, all layouts inside) and gradient cases. */
export function defineOpCases(ctx: Ctx, cases: OpCase[]): void {
  for (const c of cases) {
    for (const dtype of c.dtypes ?? ['float32']) {
      ctx.test(`${c.id}/${dtype}`, () => eachLayout(c.layouts ?? LAYOUTS, (layout) => checkForward(ctx, c, dtype, layout)));
    }
  }
}

export function defineGradCases(ctx: Ctx, cases: OpCase[]): void {
  for (const c of cases) {
    const layouts = gradLayouts(c);
    if (!layouts.length) continue;
    ctx.test(`grad/${c.id}`, () => eachLayout(layouts, (layout) => checkGrad(ctx, c, layout)));
  }
}

export { numel };
