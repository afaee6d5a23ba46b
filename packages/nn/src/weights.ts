/**
 * Where a model's tensors come from while it is built (candle's VarBuilder): each layer asks for
 * `weights.pp('attn').get('c_attn.weight', shape, init)`, so weight paths are the checkpoint's keys.
 * From a checkpoint the tensor is taken (no copy; shape checked); without one, `init` makes it.
 */
import { cast, isFloat, manualSeed, noGrad, tidy, type DType, type Tensor } from '@tessera/core';
import { StateDictError } from './errors.js';
import type { Init } from './init.js';

/** Checkpoint tensors being consumed by one model build; reports what did not fit. */
export class Checkpoint {
  readonly used = new Set<string>();
  readonly missing: string[] = [];
  readonly misShaped: string[] = [];

  /** `basePrefix`: HF's base_model_prefix (`transformer`, `model`, `bert`), tried on and off. */
  constructor(readonly tensors: Record<string, Tensor>, readonly basePrefix = '') {}

  resolve(name: string): string | undefined {
    if (name in this.tensors) return name;
    const p = this.basePrefix ? `${this.basePrefix}.` : '';
    if (!p) return undefined;
    if (name.startsWith(p) && name.slice(p.length) in this.tensors) return name.slice(p.length);
    if (`${p}${name}` in this.tensors) return `${p}${name}`;
    return undefined;
  }

  /** Keys never asked for, except those matching `ignore` (HF's _keys_to_ignore_on_load_unexpected). */
  unexpected(ignore: readonly RegExp[] = []): string[] {
    return Object.keys(this.tensors).filter((k) => !this.used.has(k) && !ignore.some((r) => r.test(k)));
  }

  /**
   * Throw one error listing every problem (strict), or only mis-shaped keys (not strict); with
   * `ignoreMismatched`, mis-shaped keys keep their fresh initialisation and are named in a warning.
   */
  check(where: string, strict: boolean, ignore: readonly RegExp[] = [], ignoreMismatched = false): { missingKeys: string[]; unexpectedKeys: string[] } {
    const unexpectedKeys = this.unexpected(ignore);
    if (ignoreMismatched && this.misShaped.length) {
      console.warn(`${where}: newly initialised because the checkpoint's shapes differ (ignoreMismatchedSizes): ${this.misShaped.join(', ')}; train them before use`);
    }
    const misShaped = ignoreMismatched ? [] : this.misShaped;
    if (misShaped.length || (strict && (this.missing.length || unexpectedKeys.length))) {
      throw new StateDictError(`${where}: the checkpoint does not fit the model: ${[
        this.missing.length ? `missing keys: ${this.missing.join(', ')}` : '',
        unexpectedKeys.length ? `unexpected keys: ${unexpectedKeys.join(', ')}` : '',
        misShaped.length ? `mis-shaped keys: ${misShaped.join(', ')} (ignoreMismatchedSizes: true keeps fresh weights for them)` : '',
      ].filter(Boolean).join('; ')}`);
    }
    return { missingKeys: [...this.missing], unexpectedKeys };
  }

  /** Free the tensors no model field took. */
  disposeUnused(): void {
    for (const [k, t] of Object.entries(this.tensors)) if (!this.used.has(k)) t.dispose();
  }
}

export interface WeightsOptions {
  backend?: string;
  /** float parameters are cast to it (integer buffers keep theirs). */
  dtype?: DType;
  /** Seed the global generator (manualSeed) before a random initialisation, for a reproducible model. */
  seed?: number;
}

/** The second argument every model constructor takes: a checkpoint's Weights, or options for a fresh init. */
export function weightsFor(w: Weights | WeightsOptions = {}): Weights {
  if (w instanceof Weights) return w;
  if (w === null || typeof w !== 'object') throw new StateDictError(`a model's second argument must be a Weights or { backend?, dtype?, seed? }, got ${w === null ? 'null' : typeof w}`);
  if (w.seed !== undefined) manualSeed(w.seed);
  return new Weights(null, w);
}

export class Weights {
  constructor(
    readonly checkpoint: Checkpoint | null = null,
    readonly options: WeightsOptions = {},
    readonly prefix = '',
  ) {}

  /** The builder for a sub-module (`pp` as in candle: push prefix). */
  pp(name: string | number): Weights {
    return new Weights(this.checkpoint, this.options, this.prefix ? `${this.prefix}.${name}` : String(name));
  }

  /** Full dotted name of `name` here. */
  path(name: string): string {
    return this.prefix ? `${this.prefix}.${name}` : name;
  }

  get backend(): string | undefined { return this.options.backend; }

  /** The tensor `name` of `shape`: from the checkpoint, else `init(shape)`. */
  get(name: string, shape: readonly number[], init: Init): Tensor {
    const full = this.path(name);
    const ck = this.checkpoint;
    const key = ck?.resolve(full);
    if (ck && key !== undefined) {
      const t = ck.tensors[key]!;
      ck.used.add(key);
      if (t.shape.join() !== shape.join()) {
        ck.misShaped.push(`${full} (checkpoint [${t.shape.join(', ')}], model [${shape.join(', ')}])`);
        t.dispose();
        return this.fresh(shape, init);
      }
      return this.convert(t);
    }
    if (ck) ck.missing.push(full);
    return this.fresh(shape, init);
  }

  private fresh(shape: readonly number[], init: Init): Tensor {
    return this.convert(noGrad(() => tidy(() => init(shape, this.options.backend))));
  }

  private convert(t: Tensor): Tensor {
    const { backend, dtype } = this.options;
    let x = t;
    if (backend && x.backend !== backend) { const y = x.to(backend); x.dispose(); x = y; }
    if (dtype && isFloat(x.dtype) && isFloat(dtype) && x.dtype !== dtype) { const y = noGrad(() => cast(x, dtype)); x.dispose(); x = y; }
    return x;
  }
}
