/**
 * Reverse-mode autograd. Ops attach a node whose backward comes from the rule table in
 * gradients.ts (one VJP per op, written with core ops, so every backend gets gradients).
 */
import { engineState as S, isTensor, keep, op, tidy, track } from './engine.js';
import { ArgumentError, DisposedError, GradError, TesseraError } from './errors.js';
import { describe } from './format.js';
import { Tensor } from './tensor.js';
import { RULES, type GradContext } from './gradients.js';
import type { OpAttrs, OpName } from './backend.js';

export const isGradEnabled = op('isGradEnabled', '', (): boolean => S.gradEnabled, 'callback');

/** Run `fn` without recording gradients. */
export const noGrad = op('noGrad', 'fn:function', <T>(fn: () => T): T => {
  const prev = S.gradEnabled;
  S.gradEnabled = false;
  try {
    return fn();
  } finally {
    S.gradEnabled = prev;
  }
}, 'callback');

export type GradOp = keyof typeof RULES;

/** Record `output = op(inputs)` in the graph when any input requires a gradient. */
export function attach<T extends Tensor>(op: GradOp, inputs: readonly Tensor[], output: T, attrs: object = {}): T {
  if (!S.gradEnabled || !inputs.some((t) => t.requiresGrad)) return output;
  const rule = RULES[op] as (g: Tensor, ctx: GradContext<object>) => (Tensor | null)[];
  const ctx: GradContext<object> = { inputs, output, attrs };
  output.markRequiresGrad({ op, inputs: [...inputs], backward: (g) => rule(g, ctx) });
  return output;
}

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length) {
    const [t, done] = stack.pop()!;
    if (done) { order.push(t); continue; }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    for (const i of t.node?.inputs ?? []) if (i.node && !seen.has(i)) stack.push([i, false]);
  }
  return order.reverse();
}

/**
 * Back-propagate from `root` and accumulate into `.grad` of every leaf that requires a gradient.
 * The graph is freed afterwards unless `retainGraph`.
 */
export interface BackwardOptions { retainGraph?: boolean }

/**
 * The forms PyTorch users write: backward(), backward(gradient), backward(gradient, retainGraph)
 * (torch's positional retain_graph), backward({ retainGraph }), backward(gradient, { retainGraph }).
 */
function backwardArgs(gradient: unknown, opts: unknown): { gradient?: Tensor; retainGraph: boolean } {
  let g = gradient, o = opts;
  if (g !== undefined && g !== null && !isTensor(g) && typeof g === 'object' && o === undefined) { o = g; g = undefined; }
  if (g !== undefined && g !== null && !isTensor(g)) {
    throw new GradError(`backward: argument 'gradient' must be a Tensor of the output's shape (or omitted for one-element outputs), got ${describe(g)}`);
  }
  if (typeof o === 'boolean') return { gradient: (g ?? undefined) as Tensor | undefined, retainGraph: o };
  if (o === undefined || o === null) return { gradient: (g ?? undefined) as Tensor | undefined, retainGraph: false };
  if (typeof o !== 'object') throw new GradError(`backward: argument 'options' must be { retainGraph?: boolean } or a boolean, got ${describe(o)}`);
  for (const k of Object.keys(o)) {
    if (k !== 'retainGraph') throw new ArgumentError(`backward: unknown option '${k}' (allowed: retainGraph)`);
  }
  const r = (o as BackwardOptions).retainGraph;
  if (r !== undefined && typeof r !== 'boolean') throw new GradError(`backward: option 'retainGraph' must be a boolean, got ${describe(r)}`);
  return { gradient: (g ?? undefined) as Tensor | undefined, retainGraph: r ?? false };
}

// Checked by backward itself (GradError: autograd misuse).
export const backward = op('backward', 'tensor:any, gradient?:any, options?:any', function backward(
  root: Tensor, gradientArg?: Tensor | BackwardOptions | null, optsArg?: BackwardOptions | boolean,
): void {
  if (!isTensor(root)) throw new GradError(`backward: argument 'root' must be a Tensor, got ${describe(root)}`);
  const { gradient, retainGraph } = backwardArgs(gradientArg, optsArg);
  const opts = { retainGraph };
  if (root.isDisposed) throw new DisposedError('backward: the output tensor was used after dispose()');
  if (!root.requiresGrad) {
    throw new GradError('backward: this tensor does not require a gradient (no input had requiresGrad = true)');
  }
  if (!gradient && root.shape.reduce((a, b) => a * b, 1) !== 1) {
    throw new GradError(`backward: a gradient can be implied only for one-element outputs; pass one of shape [${root.shape}]`);
  }
  if (gradient && gradient.shape.join() !== root.shape.join()) {
    throw new GradError(`backward: gradient shape [${gradient.shape}] does not match output shape [${root.shape}]`);
  }
  const order = topoOrder(root);
  noGrad(() =>
    tidy(() => {
      const grads = new Map<Tensor, Tensor>();
      grads.set(root, gradient ?? onesOf(root));
      const accumulate = (t: Tensor, g: Tensor) => {
        if (!t.requiresGrad) return;
        if (t.node) {
          const prev = grads.get(t);
          grads.set(t, prev ? prev.add(g) : g);
          return;
        }
        const own = g.dtype === t.dtype ? g.contiguous() : g.to(t.dtype);
        const fresh = own === g ? g.detach() : own; // a view: leaves must not share one Tensor object
        t.grad = t.grad ? t.grad.add(fresh) : fresh;
      };
      if (!root.node) accumulate(root, grads.get(root)!);
      for (const t of order) {
        const node = t.node!;
        const g = grads.get(t);
        if (!g) continue;
        if (!node.backward) {
          throw new GradError(
            `backward: the graph through '${node.op}' was already freed; call backward({retainGraph: true}) the first time`,
          );
        }
        const gs = node.backward(g);
        node.inputs.forEach((inp, i) => {
          const gi = gs[i];
          if (gi) accumulate(inp, gi);
        });
      }
    }),
  );
  if (!opts.retainGraph) {
    for (const t of order) {
      t.node!.backward = null;
      t.node!.inputs = [];
    }
    for (const t of order) t.releaseOwned(); // the graph is gone: so is what ops kept for it
  }
});

function onesOf(t: Tensor): Tensor {
  return t.onesLike();
}

type TensorFn = (...args: Tensor[]) => Tensor;

/** `valueAndGrad(f)(...xs)` → `{value, grads}`: f's scalar value and d f / d x for each argument. */
export const valueAndGrad = op('valueAndGrad', 'fn:function', (f: TensorFn): ((...args: Tensor[]) => { value: Tensor; grads: Tensor[] }) => {
  return (...args) => {
    const xs = args.map((a, i) => {
      if (!isTensor(a)) throw new TesseraError('ERR_ARGUMENT', `grad: argument ${i} must be a Tensor, got ${describe(a)}`);
      const x = a.detach();
      x.requiresGrad = true;
      return x;
    });
    const value = f(...xs);
    if (!isTensor(value) || value.size !== 1) {
      throw new GradError('grad: f must return a one-element tensor (a scalar loss)');
    }
    if (value.requiresGrad) backward(value);
    const grads = xs.map((x) => {
      const g = x.grad ?? x.zerosLike();
      if (g === x.grad) {
        const out = g.detach(); // a view: survives x.grad's disposal below
        x.grad = null;
        return track(out);
      }
      return g;
    });
    for (const x of xs) x.dispose();
    const v = value.detach();
    if (v !== value) value.dispose();
    return { value: v, grads };
  };
}, 'callback');

/** `grad(f)(...xs)` → the gradients of the scalar `f` with respect to each argument. */
export const grad = op('grad', 'fn:function', (f: TensorFn): ((...args: Tensor[]) => Tensor[]) => {
  const vg = valueAndGrad(f);
  return (...args) => {
    const { value, grads } = vg(...args);
    value.dispose();
    return grads;
  };
}, 'callback');

export { keep };
export type { OpAttrs, OpName };
