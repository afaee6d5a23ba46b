/**
 * The autograd rule table: one VJP per differentiable op, written with core ops so that every
 * backend gets gradients. A rule gets the output gradient `g` and returns one gradient (or null)
 * per input, shaped like that input.
 */
import type { OpAttrs } from './backend.js';
import type { Tensor } from './tensor.js';
import {
  add, cast, cos, div, eq, exp, gt, log, lt, mul, neg, sin, sub, where, erf, tanh,
} from './ops/elementwise.js';
import { permute, reshape, sliceScatter, slice } from './ops/movement.js';
import { sum, mean, type ReducePlan } from './ops/reduce.js';
import { matmul } from './ops/linalg.js';
import { gather, scatterAdd } from './ops/indexing.js';
import { arange, zeros } from './ops/creation.js';
import { softmax, attentionProbs, additiveMask, attentionViews } from './ops/nn.js';
import { tryDispatch } from './engine.js';
import { transpose } from './ops/movement.js';

export interface GradContext<A> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: A;
}

type Rule<A = {}> = (g: Tensor, c: GradContext<A>) => (Tensor | null)[];

/** Sum `g` over broadcast dims down to `shape`. */
export function unbroadcast(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.join() === shape.join()) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  const s = axes.length ? sum(g, axes, true) : g;
  return reshape(s, shape);
}

const x0 = (c: GradContext<unknown>) => c.inputs[0]!;
const x1 = (c: GradContext<unknown>) => c.inputs[1]!;
const unary = (f: (g: Tensor, x: Tensor, y: Tensor) => Tensor): Rule => (g, c) => [f(g, x0(c), c.output)];
const binary = (fa: (g: Tensor, a: Tensor, b: Tensor, y: Tensor) => Tensor | null, fb: (g: Tensor, a: Tensor, b: Tensor, y: Tensor) => Tensor | null): Rule =>
  (g, c) => {
    const [a, b] = [x0(c), x1(c)];
    const ga = a.requiresGrad ? fa(g, a, b, c.output) : null;
    const gb = b.requiresGrad ? fb(g, a, b, c.output) : null;
    return [ga && unbroadcast(ga, a.shape), gb && unbroadcast(gb, b.shape)];
  };

/** d max / d x: split evenly among ties (as torch's amax). */
const extremeRule: Rule<ReducePlan> = (g, c) => {
  const x = x0(c);
  const yk = reshape(c.output, c.attrs.keptShape);
  const hit = cast(eq(x, yk), x.dtype);
  const count = sum(hit, c.attrs.axes, true);
  return [mul(hit, div(reshape(g, c.attrs.keptShape), count))];
};

const halfTies = (x: Tensor, other: Tensor, win: (a: Tensor, b: Tensor) => Tensor) =>
  add(cast(win(x, other), x.dtype), mul(cast(eq(x, other), x.dtype), 0.5));

export const RULES = {
  // ---- unary ----
  neg: unary((g) => neg(g)),
  exp: unary((g, _x, y) => mul(g, y)),
  log: unary((g, x) => div(g, x)),
  sqrt: unary((g, _x, y) => div(g, mul(y, 2))),
  rsqrt: unary((g, _x, y) => mul(g, mul(mul(mul(y, y), y), -0.5))),
  sin: unary((g, x) => mul(g, cos(x))),
  cos: unary((g, x) => neg(mul(g, sin(x)))),
  tanh: unary((g, _x, y) => mul(g, sub(1, mul(y, y)))),
  abs: unary((g, x) => mul(g, sub(cast(gt(x, 0), x.dtype), cast(lt(x, 0), x.dtype)))),
  sigmoid: unary((g, _x, y) => mul(g, mul(y, sub(1, y)))),
  erf: unary((g, x) => mul(g, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI)))),
  cast: ((g, c) => [cast(g, x0(c).dtype)]) as Rule,
  copy: ((g) => [g]) as Rule,

  // ---- binary (inputs as given, output broadcast) ----
  add: binary((g) => g, (g) => g),
  sub: binary((g) => g, (g) => neg(g)),
  mul: binary((g, _a, b) => mul(g, b), (g, a) => mul(g, a)),
  div: binary((g, _a, b) => div(g, b), (g, a, b) => neg(div(mul(g, a), mul(b, b)))),
  pow: binary(
    (g, a, b) => mul(g, mul(b, pow(a, sub(b, 1)))),
    (g, a, _b, y) => mul(g, where(gt(a, 0), mul(y, log(a)), 0)),
  ),
  maximum: binary((g, a, b) => mul(g, halfTies(a, b, gt)), (g, a, b) => mul(g, halfTies(b, a, gt))),
  minimum: binary((g, a, b) => mul(g, halfTies(a, b, lt)), (g, a, b) => mul(g, halfTies(b, a, lt))),
  where: ((g, c) => {
    const [cond, a, b] = c.inputs as [Tensor, Tensor, Tensor];
    return [
      null,
      a.requiresGrad ? unbroadcast(where(cond, g, 0), a.shape) : null,
      b.requiresGrad ? unbroadcast(where(cond, 0, g), b.shape) : null,
    ];
  }) as Rule,

  // ---- reductions ----
  sum: ((g, c) => [reshape(g, c.attrs.keptShape).expand(x0(c).shape)]) as Rule<ReducePlan>,
  max: extremeRule,
  min: extremeRule,

  // ---- movement ----
  reshape: ((g, c) => [reshape(g, x0(c).shape)]) as Rule,
  permute: ((g, c) => {
    const inv = new Array<number>(c.attrs.dims.length);
    c.attrs.dims.forEach((d, i) => (inv[d] = i));
    return [permute(g, inv)];
  }) as Rule<{ dims: number[] }>,
  expand: ((g, c) => [unbroadcast(g, x0(c).shape)]) as Rule,
  slice: ((g, c) => [sliceScatter(g, x0(c).shape, c.attrs.dim, c.attrs.start, c.attrs.step)]) as Rule<{ dim: number; start: number; step: number }>,
  cat: ((g, c) => {
    let at = 0;
    return c.attrs.sizes.map((s) => {
      const part = slice(g, c.attrs.dim, at, at + s);
      at += s;
      return part;
    });
  }) as Rule<{ dim: number; sizes: number[] }>,
  pad: ((g, c) => {
    let out = g;
    c.attrs.before.forEach((b, d) => {
      if (b || out.shape[d] !== x0(c).shape[d]) out = slice(out, d, b, b + x0(c).shape[d]!);
    });
    return [out];
  }) as Rule<{ before: number[] }>,

  // ---- linear algebra and indexing ----
  matmul: ((g, c) => {
    const [a, b] = [x0(c), x1(c)];
    // a 2-D weight shared by a batch (a linear layer): one [K, rows] x [rows, N] product instead of
    // a product per batch entry and a sum over them
    const flat = (t: Tensor) => reshape(t, [-1, t.shape[t.ndim - 1]!]);
    const db = () => (b.ndim === 2 && a.ndim > 2
      ? matmul(transpose(flat(a), 0, 1), flat(g))
      : unbroadcast(matmul(transpose(a, -2, -1), g), b.shape));
    return [
      a.requiresGrad ? unbroadcast(matmul(g, transpose(b, -2, -1)), a.shape) : null,
      b.requiresGrad ? db() : null,
    ];
  }) as Rule,
  gather: ((g, c) => [scatterAdd(zeros(x0(c).shape, { dtype: g.dtype, backend: g.backend }), c.attrs.dim, x1(c), g), null]) as Rule<{ dim: number }>,
  indexSelect: ((g, c) => {
    const x = x0(c);
    const shape = g.shape.map((s, i) => (i === c.attrs.dim ? s : 1));
    const idx = reshape(x1(c), shape).expand(g.shape).contiguous();
    return [scatterAdd(zeros(x.shape, { dtype: g.dtype, backend: g.backend }), c.attrs.dim, idx, g), null];
  }) as Rule<{ dim: number }>,
  scatterAdd: ((g, c) => [g, null, c.inputs[2]!.requiresGrad ? gather(g, c.attrs.dim, x1(c)) : null]) as Rule<{ dim: number }>,

  // ---- fused ----
  softmax: ((g, c) => {
    const y = c.output;
    return [mul(y, sub(g, sum(mul(g, y), -1, true)))];
  }) as Rule,
  logSoftmax: ((g, c) => [sub(g, mul(exp(c.output), sum(g, -1, true)))]) as Rule,
  gelu: ((g, c) => {
    const x = x0(c);
    if (c.attrs.approximate === 'none') {
      const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
      const pdf = mul(exp(mul(mul(x, x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
      return [mul(g, add(cdf, mul(x, pdf)))];
    }
    const k = Math.sqrt(2 / Math.PI);
    const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), k);
    const t = tanh(inner);
    const dinner = mul(add(mul(mul(x, x), 3 * 0.044715), 1), k);
    const d = add(mul(add(t, 1), 0.5), mul(mul(mul(x, 0.5), sub(1, mul(t, t))), dinner));
    return [mul(g, d)];
  }) as Rule<{ approximate: 'none' | 'tanh' }>,
  layerNorm: ((g, c) => {
    const [x, ...params] = c.inputs as Tensor[];
    const w = c.attrs.hasWeight ? params[0]! : null;
    const b = c.attrs.hasBias ? params[c.attrs.hasWeight ? 1 : 0]! : null;
    const n = c.attrs.n;
    const x2 = reshape(x!, [-1, n]);
    const g2 = reshape(g, [-1, n]);
    const mu = mean(x2, -1, true);
    const d = sub(x2, mu);
    const rstd = add(mean(mul(d, d), -1, true), c.attrs.eps).rsqrt();
    const xhat = mul(d, rstd);
    const dxhat = w ? mul(g2, reshape(w, [n])) : g2;
    const dx = mul(rstd, sub(sub(dxhat, mean(dxhat, -1, true)), mul(xhat, mean(mul(dxhat, xhat), -1, true))));
    const out: (Tensor | null)[] = [reshape(dx, x!.shape)];
    if (w) out.push(reshape(sum(mul(g2, xhat), 0), w.shape));
    if (b) out.push(reshape(sum(g2, 0), b.shape));
    return out;
  }) as Rule<OpAttrs['layerNorm'] & { n: number }>,
  rmsNorm: ((g, c) => {
    const [x, w] = c.inputs as [Tensor, Tensor | undefined];
    const n = c.attrs.n;
    const x2 = reshape(x, [-1, n]);
    const g2 = reshape(g, [-1, n]);
    const r = add(mean(mul(x2, x2), -1, true), c.attrs.eps).rsqrt();
    const xhat = mul(x2, r);
    const dxhat = w ? mul(g2, reshape(w, [n])) : g2;
    const dx = mul(r, sub(dxhat, mul(xhat, mean(mul(dxhat, xhat), -1, true))));
    const out: (Tensor | null)[] = [reshape(dx, x.shape)];
    if (w) out.push(reshape(sum(mul(g2, xhat), 0), w.shape));
    return out;
  }) as Rule<OpAttrs['rmsNorm'] & { n: number }>,
  crossEntropy: ((g, c) => {
    const [logits, target] = c.inputs as [Tensor, Tensor];
    const ncls = logits.shape[1]!;
    const p = softmax(logits);
    const classes = reshape(arange(ncls, undefined, 1, { backend: g.backend }), [1, ncls]);
    const onehot = cast(eq(classes, reshape(target, [-1, 1])), logits.dtype);
    const s = c.attrs.labelSmoothing;
    const tgt = add(mul(onehot, 1 - s), s / ncls);
    const keep = cast(eq(eq(target, c.attrs.ignoreIndex), false), logits.dtype);
    return [mul(sub(p, tgt), reshape(mul(g, keep), [-1, 1])), null];
  }) as Rule<OpAttrs['crossEntropy']>,
  attention: ((g, c) => {
    const [q, k, v, mask] = c.inputs as [Tensor, Tensor, Tensor, Tensor | undefined];
    const { scale, causal } = c.attrs;
    const full = mask && additiveMask(mask, [...q.shape.slice(0, -1), k.shape[k.ndim - 2]!], q.dtype);
    if (!mask?.requiresGrad) {
      const fusedGrads = attentionBackwardKernel(q, k, v, full, g, c.attrs);
      if (fusedGrads) return [...fusedGrads, null];
    }
    const p = attentionProbs(q, k, full, scale, causal); // recomputed, as flash attention does
    const dv = matmul(transpose(p, -2, -1), g);
    const dp = matmul(g, transpose(v, -2, -1));
    const ds = mul(p, sub(dp, sum(mul(dp, p), -1, true)));
    const dq = mul(matmul(ds, k), scale);
    const dk = mul(matmul(transpose(ds, -2, -1), q), scale);
    const dmask = mask?.requiresGrad ? unbroadcast(ds, mask.shape) : null;
    return [dq, dk, dv, dmask];
  }) as Rule<OpAttrs['attention']>,
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table holds one rule per op, each with its own attributes
} satisfies Record<string, Rule<any>>;

/** The backend's fused attention backward, when it has one (dq, dk, dv shaped like q, k, v). */
function attentionBackwardKernel(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | undefined, g: Tensor, attrs: OpAttrs['attention']): Tensor[] | null {
  const [q3, k3, v3, g3, m3] = attentionViews(q, k, v, mask, g) as [Tensor, Tensor, Tensor, Tensor, Tensor | undefined];
  const r = tryDispatch('attentionBackward', [q3, k3, v3, ...(m3 ? [m3] : []), g3],
    [q3, k3, v3].map((t) => ({ shape: t.shape, dtype: t.dtype })), { ...attrs, hasMask: !!m3 });
  [q3, k3, v3, g3, m3].forEach((t) => t?.dispose());
  return r && r.map((t, i) => reshape(t, [q, k, v][i]!.shape));
}

function pow(a: Tensor, b: Tensor): Tensor {
  return a.pow(b);
}
