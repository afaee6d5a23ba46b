/**
 * Self-test of the suite (no backend involved): the float64 references and the central-difference
 * gradients used by every check must reproduce the PyTorch fixtures. A failure here is a bug in
 * the suite, not in the backend.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Ctx } from '../context.js';
import { assertClose } from '../check.js';
import * as R from '../reference.js';
import { TORCH_FIXTURES_URL } from '../paths.js';

interface FxT { shape: number[]; dtype?: string; data: (number | boolean)[] }
interface Fx { op: string; kwargs: Record<string, unknown>; inputs: Record<string, FxT>; output?: FxT; upstream: FxT | null; grads: Record<string, FxT>; tolerance: { rtol: number; atol: number }; note?: string }
type In = Record<string, R.ND>;

const U: Record<string, (x: number) => number> = {
  neg: (x) => -x, exp: Math.exp, log: Math.log, sqrt: Math.sqrt, rsqrt: (x) => 1 / Math.sqrt(x), sin: Math.sin,
  cos: Math.cos, tanh: Math.tanh, abs: Math.abs, sigmoid: R.sigmoid, relu: (x) => Math.max(0, x),
  silu: (x) => x * R.sigmoid(x), erf: R.erf,
};
const B: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b, maximum: Math.max, minimum: Math.min,
};
const ax = (v: unknown) => (v === null || v === undefined ? undefined : (v as number | number[]));

function refOf(fx: Fx): ((x: In) => R.ND) | undefined {
  const k = fx.kwargs, op = fx.op;
  if (U[op]) return ({ x }) => R.map(x!, U[op]!);
  if (B[op]) return ({ a, b }) => R.zip(a!, b!, B[op]!);
  const red = (f: (v: number[]) => number) => ({ x }: In) => R.reduce(x!, ax(k.dim), !!k.keepdim, f);
  switch (op) {
    case 'pow': return k.exponent !== undefined ? ({ x }) => R.map(x!, (v) => v ** Number(k.exponent)) : ({ a, b }) => R.zip(a!, b!, (p, q) => p ** q);
    case 'gelu': return ({ x }) => R.map(x!, k.approximate === 'tanh' ? R.geluTanh : R.geluErf);
    case 'where': return ({ condition, a, b }) => R.zipN([condition!, a!, b!], (c, p, q) => (c ? p : q));
    case 'clamp': return ({ x }) => R.map(x!, (v) => Math.min(Math.max(v, (k.min as number) ?? -Infinity), (k.max as number) ?? Infinity));
    case 'masked_fill': return ({ x, mask }) => R.zip(x!, mask!, (v, m) => (m ? Number(k.value) : v));
    case 'tril': case 'triu': return ({ x }) => R.triangle(x!, Number(k.diagonal), op === 'triu');
    case 'sum': return red(R.sumOf);
    case 'mean': return red(R.meanOf);
    case 'amax': return red((v) => Math.max(...v));
    case 'amin': return red((v) => Math.min(...v));
    case 'argmax': return red(R.argmaxOf);
    case 'var': return red((v) => R.varOf(v, k.unbiased === false ? 0 : 1));
    case 'softmax': return ({ x }) => R.softmax(x!, Number(k.dim));
    case 'log_softmax': return ({ x }) => R.logSoftmax(x!, Number(k.dim));
    case 'layer_norm': return ({ x, weight, bias }) => R.layerNorm(x!, k.normalized_shape as number[], weight, bias, Number(k.eps));
    case 'rms_norm': return ({ x, weight }) => R.rmsNorm(x!, [x!.shape.at(-1)!], weight, Number(k.eps));
    case 'cross_entropy': return ({ logits, target }) => R.crossEntropy(logits!, target!, { ignoreIndex: Number(k.ignore_index), labelSmoothing: Number(k.label_smoothing), reduction: k.reduction as 'mean' });
    case 'embedding': return ({ indices, weight }) => R.embedding(indices!, weight!);
    case 'gather': return ({ x, index }) => R.gather(x!, Number(k.dim), index!);
    case 'index_select': return ({ x, index }) => R.indexSelect(x!, Number(k.dim), index!);
    case 'scatter_add': return (i) => R.scatterAdd(i.self!, Number(k.dim), i.index!, i.src!);
    case 'cat': return (i) => R.cat((k.order as string[]).map((n) => i[n]!), Number(k.dim));
    case 'stack': return (i) => R.stack((k.order as string[]).map((n) => i[n]!), Number(k.dim));
    case 'matmul': {
      const [d0, d1] = (k.dims as [number, number]) ?? [0, 0];
      return ({ a, b }) => R.matmul(k.transpose === 'a' ? R.transpose(a!, d0, d1) : a!, k.transpose === 'b' ? R.transpose(b!, d0, d1) : b!);
    }
    case 'attention': return ({ q, k: kk, v, mask }) => R.attention(q!, kk!, v!, { mask, maskIsBool: true, scale: Number(k.scale) });
    case 'strided_view': {
      const view = (x: R.ND) => {
        let t = x;
        if (k.permute) t = R.permute(t, k.permute as number[]);
        if (k.transpose) t = R.transpose(t, ...(k.transpose as [number, number]));
        (k.slices as number[][]).forEach(([s, e, st], d) => { t = R.sliceND(t, d, s!, e!, st!); });
        return t;
      };
      if (k.then === 'mul') return ({ x, y }) => R.zip(view(x!), y!, (p, q) => p * q);
      if (k.then === 'matmul') return ({ x, w }) => R.matmul(view(x!), w!);
      return ({ x }) => R.reduce(R.map(view(x!), Math.exp), Number(k.dim), false, R.sumOf);
    }
  }
  return undefined;
}

const toND = (t: FxT) => R.nd(t.shape, t.data.map((v) => (t.dtype === 'float32' ? Math.fround(Number(v)) : Number(v))));
const outND = (t: FxT) => R.nd(t.shape, t.data.map(Number));

export function defineSelfTest(ctx: Ctx): void {
  const dir = fileURLToPath(TORCH_FIXTURES_URL);
  let files: string[] = [];
  try { files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json' && f !== 'mlp_step.json'); } catch { /* reported by fixtures/load */ }
  ctx.test('self-test/references-and-finite-differences-match-pytorch', () => {
    const problems: string[] = [];
    for (const file of files) {
      const fx = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as Fx;
      const f = refOf(fx);
      if (!f) { problems.push(`${file}: no reference mapping`); continue; }
      const inputs: In = {};
      for (const [n, t] of Object.entries(fx.inputs)) inputs[n] = toND(t);
      try {
        assertClose(f(inputs).data, outND(fx.output!), { rtol: 1e-8, atol: 1e-8 }, `${file} reference output`);
        const g = fx.upstream ? outND(fx.upstream) : undefined;
        for (const [name, exp] of Object.entries(fx.grads)) {
          const x = inputs[name]!;
          const fd = R.nd(x.shape);
          for (let j = 0; j < x.data.length; j++) {
            const x0 = x.data[j]!, h = 1e-6 * Math.max(1, Math.abs(x0));
            x.data[j] = x0 + h; const op = f(inputs).data;
            x.data[j] = x0 - h; const om = f(inputs).data;
            x.data[j] = x0;
            let d = 0;
            for (let i = 0; i < op.length; i++) if (op[i] !== om[i]) d += (op[i]! - om[i]!) * g!.data[i]!;
            fd.data[j] = d / (2 * h);
          }
          assertClose(fd.data, outND(exp), { rtol: 1e-5, atol: 1e-6 }, `${file} finite-difference grad ${name}`);
        }
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    if (problems.length) throw new Error(problems.join('\n'));
  }, 120_000);
}
