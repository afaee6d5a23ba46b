/**
 * Replays the PyTorch fixtures (fixtures/torch-ops, computed by PyTorch in float64): each file maps
 * to one test; output and every gradient are checked with the file's own tolerance. A file whose op
 * has no mapping fails with the reason (never dropped). mlp_step.json replays a whole training step.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import * as tc from '@tessera/core';
import type { DType, Tensor } from '@tessera/core';
import type { Ctx, Tol } from '../context.js';
import { assertClose, assertShape, readND } from '../check.js';
import { nd } from '../reference.js';
import { TORCH_FIXTURES_URL } from '../paths.js';

interface FxTensor { shape: number[]; dtype: 'float32' | 'int64' | 'bool'; data: (number | boolean)[] }
interface Fixture {
  op: string;
  kwargs: Record<string, unknown>;
  inputs: Record<string, FxTensor>;
  output?: FxTensor;
  outputs?: Record<string, FxTensor>;
  upstream: FxTensor | null;
  grads: Record<string, FxTensor>;
  tolerance: Tol;
  note?: string;
}

type In = Record<string, Tensor>;
type Runner = (x: In) => Tensor;

const dir = () => fileURLToPath(TORCH_FIXTURES_URL);
const load = (file: string): Fixture => JSON.parse(readFileSync(`${dir()}${file}`, 'utf8')) as Fixture;

function toTensor(t: FxTensor): Tensor {
  const dtype: DType = t.dtype === 'int64' ? 'int32' : t.dtype === 'bool' ? 'bool' : 'float32';
  if (t.shape.length === 0) return tc.tensor(t.dtype === 'bool' ? !!t.data[0] : Number(t.data[0]), { dtype });
  if (dtype === 'float32') return tc.tensor(Float32Array.from(t.data as number[]), { shape: t.shape });
  if (dtype === 'int32') return tc.tensor(Int32Array.from(t.data as number[]), { shape: t.shape });
  return tc.tensor((t.data as boolean[]).map(Boolean), { shape: t.shape, dtype: 'bool' });
}

const fxND = (t: FxTensor) => nd(t.shape, t.data.map(Number));
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const dims = (v: unknown): number | number[] | undefined => (v === null || v === undefined ? undefined : (v as number | number[]));

const UNARY: Record<string, (x: Tensor) => Tensor> = {
  neg: tc.neg, exp: tc.exp, log: tc.log, sqrt: tc.sqrt, rsqrt: tc.rsqrt, sin: tc.sin, cos: tc.cos,
  tanh: tc.tanh, abs: tc.abs, sigmoid: tc.sigmoid, relu: tc.relu, silu: tc.silu, erf: tc.erf,
};
const BINARY: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
  add: tc.add, sub: tc.sub, mul: tc.mul, div: tc.div, maximum: tc.maximum, minimum: tc.minimum,
};

/** Maps a fixture to a function of its named input tensors; throws with the reason if it cannot. */
export function mapFixture(fx: Fixture): Runner {
  const k = fx.kwargs;
  const op = fx.op;
  if (UNARY[op]) return ({ x }) => UNARY[op]!(x!);
  if (BINARY[op]) return ({ a, b }) => BINARY[op]!(a!, b!);
  switch (op) {
    case 'pow':
      return k.exponent !== undefined ? ({ x }) => tc.pow(x!, Number(k.exponent)) : ({ a, b }) => tc.pow(a!, b!);
    case 'gelu':
      return ({ x }) => tc.gelu(x!, { approximate: (k.approximate as 'none' | 'tanh') ?? 'none' });
    case 'where':
      return ({ condition, a, b }) => tc.where(condition!, a!, b!);
    case 'clamp':
      return ({ x }) => tc.clamp(x!, num(k.min), num(k.max));
    case 'masked_fill':
      return ({ x, mask }) => tc.maskedFill(x!, mask!, Number(k.value));
    case 'tril':
      return ({ x }) => tc.tril(x!, Number(k.diagonal ?? 0));
    case 'triu':
      return ({ x }) => tc.triu(x!, Number(k.diagonal ?? 0));
    case 'sum':
      return ({ x }) => tc.sum(x!, dims(k.dim), !!k.keepdim);
    case 'mean':
      return ({ x }) => tc.mean(x!, dims(k.dim), !!k.keepdim);
    case 'amax':
      return ({ x }) => tc.max(x!, dims(k.dim), !!k.keepdim);
    case 'amin':
      return ({ x }) => tc.min(x!, dims(k.dim), !!k.keepdim);
    case 'argmax':
      return ({ x }) => tc.argmax(x!, num(k.dim), !!k.keepdim);
    case 'var':
      return ({ x }) => tc.var(x!, dims(k.dim), !!k.keepdim, k.unbiased === false ? 0 : 1);
    case 'softmax':
      return ({ x }) => tc.softmax(x!, Number(k.dim));
    case 'log_softmax':
      return ({ x }) => tc.logSoftmax(x!, Number(k.dim));
    case 'layer_norm':
      return ({ x, weight, bias }) => tc.layerNorm(x!, k.normalized_shape as number[], weight, bias, Number(k.eps ?? 1e-5));
    case 'rms_norm':
      if (k.dim !== -1) break;
      return ({ x, weight }) => tc.rmsNorm(x!, x!.shape[x!.shape.length - 1]!, weight, Number(k.eps ?? 1e-6));
    case 'cross_entropy':
      return ({ logits, target }) => tc.crossEntropy(logits!, target!, {
        reduction: (k.reduction as 'mean' | 'sum' | 'none') ?? 'mean',
        ignoreIndex: Number(k.ignore_index ?? -100),
        labelSmoothing: Number(k.label_smoothing ?? 0),
      });
    case 'embedding':
      return ({ indices, weight }) => tc.embedding(indices!, weight!);
    case 'gather':
      return ({ x, index }) => tc.gather(x!, Number(k.dim), index!);
    case 'index_select':
      return ({ x, index }) => tc.indexSelect(x!, Number(k.dim), index!);
    case 'scatter_add':
      return (i) => tc.scatterAdd(i.self!, Number(k.dim), i.index!, i.src!);
    case 'cat':
    case 'stack': {
      const order = k.order as string[];
      return (i) => (op === 'cat' ? tc.cat : tc.stack)(order.map((n) => i[n]!), Number(k.dim));
    }
    case 'matmul': {
      if (k.transpose === undefined) return ({ a, b }) => tc.matmul(a!, b!);
      const [d0, d1] = k.dims as [number, number];
      if (k.transpose === 'a') return ({ a, b }) => tc.matmul(tc.transpose(a!, d0, d1), b!);
      if (k.transpose === 'b') return ({ a, b }) => tc.matmul(a!, tc.transpose(b!, d0, d1));
      break;
    }
    case 'attention':
      // mask: bool, true = may attend. For the causal case the mask is the causal triangle: use isCausal.
      return ({ q, k: kk, v, mask }) => tc.scaledDotProductAttention(q!, kk!, v!, k.causal
        ? { isCausal: true, scale: Number(k.scale) }
        : { attnMask: mask, scale: Number(k.scale) });
    case 'strided_view': {
      const view = (x: Tensor): Tensor => {
        let t = x;
        if (k.permute) t = tc.permute(t, k.permute as number[]);
        if (k.transpose) t = tc.transpose(t, ...(k.transpose as [number, number]));
        (k.slices as [number, number, number][]).forEach(([s, e, st], d) => { t = tc.slice(t, d, s, e, st); });
        return t;
      };
      if (k.then === 'mul') return ({ x, y }) => tc.mul(view(x!), y!);
      if (k.then === 'matmul') return ({ x, w }) => tc.matmul(view(x!), w!);
      if (k.then === 'sum') {
        const withExp = /torch\.exp\(/.test(fx.note ?? '');
        return ({ x }) => tc.sum(withExp ? tc.exp(view(x!)) : view(x!), Number(k.dim));
      }
      break;
    }
  }
  throw new Error(`fixture op '${op}' with kwargs ${JSON.stringify(k)} has no mapping to the Tessera API`);
}

async function replay(ctx: Ctx, file: string, fx: Fixture): Promise<void> {
  const run = mapFixture(fx);
  const tol = ctx.fixtureTol(fx.tolerance);
  const inputs: In = {};
  for (const [name, t] of Object.entries(fx.inputs)) inputs[name] = toTensor(t);
  const out = run(inputs);
  const expOut = fx.output!;
  assertShape(out, expOut.shape, `${file} output`);
  const outDtype = expOut.dtype === 'int64' ? 'int32' : expOut.dtype;
  expect(out.dtype, `${file} output dtype`).toBe(outDtype);
  assertClose((await readND(out)).data, fxND(expOut), outDtype === 'float32' ? tol : { rtol: 0, atol: 0 }, `${file} output`);

  // the causal attention fixture also carries its mask: the bool-mask path must agree
  if (fx.op === 'attention' && fx.kwargs.causal) {
    const viaMask = tc.scaledDotProductAttention(inputs.q!, inputs.k!, inputs.v!, { attnMask: inputs.mask, scale: Number(fx.kwargs.scale) });
    assertClose((await readND(viaMask)).data, fxND(expOut), tol, `${file} output via attnMask`);
  }

  const names = Object.keys(fx.grads);
  if (!names.length) return;
  const up = toTensor(fx.upstream!);
  const f = (...ts: Tensor[]) => {
    const all: In = { ...inputs };
    names.forEach((n, i) => { all[n] = ts[i]!; });
    return tc.sum(tc.mul(run(all), up));
  };
  const grads = tc.grad(f)(...names.map((n) => inputs[n]!)) as Tensor[];
  for (let i = 0; i < names.length; i++) {
    const g = fx.grads[names[i]!]!;
    assertShape(grads[i]!, g.shape, `${file} grad ${names[i]}`);
    assertClose((await readND(grads[i]!)).data, fxND(g), tol, `${file} grad ${names[i]}`);
  }
}

async function replayMlp(ctx: Ctx, fx: Fixture): Promise<void> {
  const tol = ctx.fixtureTol(fx.tolerance);
  const o = fx.outputs!;
  const I: In = {};
  for (const [n, t] of Object.entries(fx.inputs)) I[n] = toTensor(t);
  const logitsOf = (x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) => {
    const h = tc.gelu(tc.add(tc.matmul(x, tc.transpose(w1, 0, 1)), b1), { approximate: 'none' });
    return tc.add(tc.matmul(h, tc.transpose(w2, 0, 1)), b2);
  };
  const lossOf = (x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) => tc.crossEntropy(logitsOf(x, w1, b1, w2, b2), I.target!);
  const order = ['x', 'w1', 'b1', 'w2', 'b2'];
  const args = order.map((n) => I[n]!) as [Tensor, Tensor, Tensor, Tensor, Tensor];
  const cmp = async (t: Tensor, e: FxTensor, label: string) => {
    assertShape(t, e.shape, `mlp_step ${label}`);
    assertClose((await readND(t)).data, fxND(e), tol, `mlp_step ${label}`);
  };
  await cmp(logitsOf(...args), o.logits!, 'logits');
  const { value, grads } = tc.valueAndGrad(lossOf)(...args) as { value: Tensor; grads: Tensor[] };
  await cmp(value, o.loss!, 'loss');
  for (let i = 0; i < order.length; i++) await cmp(grads[i]!, fx.grads[order[i]!]!, `grad ${order[i]}`);

  const a = fx.kwargs.adamw as { lr: number; betas: [number, number]; eps: number; weight_decay: number };
  const s = fx.kwargs.sgd as { lr: number; momentum: number };
  for (const [i, n] of order.entries()) {
    if (n === 'x') continue;
    const p = I[n]!, g = grads[i]!;
    const r = tc.adamwUpdate(p, g, tc.zerosLike(p), tc.zerosLike(p), {
      lr: a.lr, beta1: a.betas[0], beta2: a.betas[1], eps: a.eps, weightDecay: a.weight_decay, step: 1,
    });
    await cmp(r.param, o[`${n}_after_adamw`]!, `${n} after AdamW`);
    await cmp(tc.sub(r.param, p), o[`${n}_adamw_delta`]!, `${n} AdamW delta`);
    // SGD with momentum (dampening 0, no nesterov) from plain tensor ops, same gradient twice
    const buf1 = g;
    const p1 = tc.sub(p, tc.mul(buf1, s.lr));
    const buf2 = tc.add(tc.mul(buf1, s.momentum), g);
    const p2 = tc.sub(p1, tc.mul(buf2, s.lr));
    await cmp(p1, o[`${n}_after_sgd_step1`]!, `${n} after SGD step 1`);
    await cmp(p2, o[`${n}_after_sgd_step2`]!, `${n} after SGD step 2`);
    // the stored *_sgd_step2_delta is after step 2 minus the original parameter (both steps)
    await cmp(tc.sub(p2, p), o[`${n}_sgd_step2_delta`]!, `${n} SGD two-step delta`);
  }
}

export function defineFixtures(ctx: Ctx): void {
  let files: string[];
  try {
    files = readdirSync(dir()).filter((f) => f.endsWith('.json') && f !== 'index.json').sort();
  } catch (e) {
    ctx.test('fixtures/load', () => { throw new Error(`cannot read the PyTorch fixtures at ${dir()}: ${String(e)}`); });
    return;
  }

  ctx.test('fixtures/index-lists-every-file', () => {
    const index = JSON.parse(readFileSync(`${dir()}index.json`, 'utf8')) as { cases: { file: string; op: string }[] };
    const listed = index.cases.map((c) => c.file).sort();
    const ops = files.filter((f) => f !== 'mlp_step.json');
    expect(listed.filter((f) => f !== 'mlp_step.json')).toEqual(ops);
    for (const c of index.cases) if (c.file !== 'mlp_step.json') expect(load(c.file).op, c.file).toBe(c.op);
    expect(ops.length).toBeGreaterThanOrEqual(97);
  });

  for (const file of files) {
    const id = `fixtures/${file.replace(/\.json$/, '')}`;
    ctx.test(id, async () => {
      const fx = load(file);
      if (fx.op === 'mlp_step') await replayMlp(ctx, fx);
      else await replay(ctx, file, fx);
    });
  }
}
