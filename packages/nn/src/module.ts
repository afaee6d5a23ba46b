/**
 * Module: PyTorch's nn.Module semantics over own enumerable fields. A Module field is a child, an
 * array of Modules a list child (`h.0`, `layers.3`), a Tensor field a parameter unless registered
 * as a buffer. Field names are the checkpoint's keys, so `namedParameters()` gives HF's names.
 */
import { cast, isFloat, isTensor, keep, listBackends, noGrad, tidy, type Tensor, type DType } from '@tessera/core';
import { NnError, StateDictError } from './errors.js';

const BUFFERS = Symbol('buffers');
const FLOAT_DTYPES = ['float32', 'float16', 'bfloat16'];
const OTHER_DTYPES = ['int32', 'int8', 'uint8', 'bool'];
const ALIASES: Record<string, string> = { fp32: 'float32', float: 'float32', fp16: 'float16', half: 'float16', bf16: 'bfloat16', cuda: 'cuda', gpu: 'webgpu' };

/** True for a float dtype, false for a registered backend; a typed error for anything else. */
function checkTarget(target: unknown): boolean {
  if (typeof target !== 'string') throw new NnError(`Module.to: target must be a dtype or a backend name, got ${typeof target}`, 'ERR_ARGUMENT');
  if (FLOAT_DTYPES.includes(target)) return true;
  if (OTHER_DTYPES.includes(target)) {
    throw new NnError(`Module.to: '${target}' is not a float dtype; a module's float parameters cast to ${FLOAT_DTYPES.join(', ')} (integer weights come from quantization)`, 'ERR_DTYPE');
  }
  const backends = listBackends();
  if (backends.includes(target)) return false;
  const hint = ALIASES[target.toLowerCase()] ? `; did you mean '${ALIASES[target.toLowerCase()]}'?` : '';
  throw new NnError(`Module.to: '${target}' is neither a float dtype (${FLOAT_DTYPES.join(', ')}) nor a registered backend (${backends.join(', ') || 'none'})${hint}`, 'ERR_ARGUMENT');
}

export class Module {
  /** Dropout reads it; train() / eval() set it on the whole tree. */
  training = true;
  declare private [BUFFERS]: Map<string, boolean>;

  /** Make `t` a parameter leaf (requires grad, outside tidy scopes). */
  protected param(t: Tensor): Tensor {
    const leaf = t.node ? noGrad(() => t.detach()) : t;
    if (isFloat(leaf.dtype)) leaf.requiresGrad = true;
    return keep(leaf);
  }

  /** Register a buffer field (saved in stateDict only when persistent). */
  protected buffer(name: string, t: Tensor, persistent = true): Tensor {
    if (!Object.prototype.hasOwnProperty.call(this, BUFFERS)) {
      Object.defineProperty(this, BUFFERS, { value: new Map(), enumerable: false });
    }
    this[BUFFERS].set(name, persistent);
    keep(t);
    (this as unknown as Record<string, Tensor>)[name] = t;
    return t;
  }

  private isBuffer(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this, BUFFERS) && this[BUFFERS].has(name);
  }

  /** [name, child] for each direct child, in field order. */
  children(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [k, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([k, v]);
      else if (Array.isArray(v)) v.forEach((c, i) => c instanceof Module && out.push([`${k}.${i}`, c]));
    }
    return out;
  }

  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [k, c] of this.children()) out.push(...c.namedModules(prefix ? `${prefix}.${k}` : k));
    return out;
  }

  private ownTensors(): [string, Tensor, 'param' | 'buffer' | 'transient'][] {
    const out: [string, Tensor, 'param' | 'buffer' | 'transient'][] = [];
    for (const [k, v] of Object.entries(this)) {
      if (!isTensor(v)) continue;
      out.push([k, v, !this.isBuffer(k) ? 'param' : this[BUFFERS].get(k) ? 'buffer' : 'transient']);
    }
    return out;
  }

  /** Parameters with dotted names, each tensor once (a tied weight under its first name). */
  namedParameters(): [string, Tensor][] {
    return this.walk((kind) => kind === 'param');
  }

  parameters(): Tensor[] { return this.namedParameters().map(([, t]) => t); }

  namedBuffers(): [string, Tensor][] { return this.walk((kind) => kind !== 'param'); }

  private walk(pick: (kind: 'param' | 'buffer' | 'transient') => boolean): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    for (const [p, m] of this.namedModules()) {
      for (const [k, t, kind] of m.ownTensors()) {
        if (!pick(kind) || seen.has(t)) continue;
        seen.add(t);
        out.push([p ? `${p}.${k}` : k, t]);
      }
    }
    return out;
  }

  numParameters(): number { return this.parameters().reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0); }

  /** Parameters and persistent buffers by dotted name (the module's own tensors, not copies). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    const seen = new Set<Tensor>();
    for (const [p, m] of this.namedModules()) {
      for (const [k, t, kind] of m.ownTensors()) {
        if (kind === 'transient' || seen.has(t)) continue;
        seen.add(t);
        out[p ? `${p}.${k}` : k] = t;
      }
    }
    return out;
  }

  /**
   * Copy tensors by name into this module's own tensors, in place (as torch's load_state_dict), on
   * their backend and dtype: parameters keep their identity, so an optimizer holding them keeps
   * working. Mis-shaped keys are an error, or with `ignoreMismatchedSizes` skipped (the module keeps its
   * own tensor; listed in `mismatchedKeys`); with `strict` (default) missing and unexpected keys are too.
   */
  loadStateDict(
    sd: Record<string, Tensor>, opts: { strict?: boolean; ignoreMismatchedSizes?: boolean } = {},
  ): { missingKeys: string[]; unexpectedKeys: string[]; mismatchedKeys: string[] } {
    const strict = opts.strict ?? true;
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in sd));
    const unexpectedKeys = Object.keys(sd).filter((k) => !(k in own));
    const mismatchedKeys = Object.keys(sd).filter((k) => k in own && own[k]!.shape.join() !== sd[k]!.shape.join());
    const misShaped = opts.ignoreMismatchedSizes ? [] : mismatchedKeys
      .map((k) => `${k} (given [${sd[k]!.shape.join(', ')}], model [${own[k]!.shape.join(', ')}]; ignoreMismatchedSizes: true skips it)`);
    if (misShaped.length || (strict && (missingKeys.length || unexpectedKeys.length))) {
      throw new StateDictError(`loadStateDict: ${[
        missingKeys.length ? `missing keys: ${missingKeys.join(', ')}` : '',
        unexpectedKeys.length ? `unexpected keys: ${unexpectedKeys.join(', ')}` : '',
        misShaped.length ? `mis-shaped keys: ${misShaped.join(', ')}` : '',
      ].filter(Boolean).join('; ')}`);
    }
    noGrad(() => {
      for (const [name, t] of Object.entries(own)) {
        const src = sd[name];
        if (!src || mismatchedKeys.includes(name)) continue;
        tidy(() => {
          const moved = src.backend === t.backend ? src : src.to(t.backend);
          const typed = moved.dtype === t.dtype ? moved : cast(moved, t.dtype);
          t.assign(typed === src ? src.clone() : typed.contiguous());
        });
      }
    });
    return { missingKeys, unexpectedKeys, mismatchedKeys };
  }

  /** Move every parameter and buffer to a backend, or cast float ones to a float dtype. */
  to(target: string): this {
    const isDType = checkTarget(target);
    this.replaceTensors((_n, t) => noGrad(() => {
      if (isDType) return isFloat(t.dtype) && isFloat(target as DType) && t.dtype !== target ? cast(t, target as DType) : t;
      return t.backend === target ? t : t.to(target);
    }));
    return this;
  }

  /** Swap each tensor field for `f(name, t)` (a tied tensor is swapped once, everywhere). */
  private replaceTensors(f: (name: string, t: Tensor) => Tensor): void {
    const done = new Map<Tensor, Tensor>();
    for (const [p, m] of this.namedModules()) {
      for (const [k, t, kind] of m.ownTensors()) {
        let next = done.get(t);
        if (!next) {
          next = f(p ? `${p}.${k}` : k, t);
          if (next !== t) {
            keep(next);
            if (kind === 'param') next = m.param(next);
            t.grad = null; // frees the old gradient
            t.dispose();
          }
          done.set(t, next);
        }
        (m as unknown as Record<string, Tensor>)[k] = next;
      }
    }
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this { return this.train(false); }

  /** Free every parameter, its gradient, and every buffer. */
  dispose(): void {
    for (const [, m] of this.namedModules()) {
      for (const [, t] of m.ownTensors()) {
        if (!t.isDisposed) t.grad = null;
        t.dispose();
      }
    }
  }
}
