/**
 * Where a model's tensors come from while it is built (candle's VarBuilder): each layer asks for
 * `weights.pp('attn').get('c_attn.weight', shape, init)`, so weight paths are the checkpoint's keys.
 * From a checkpoint the tensor is taken (no copy; shape checked); without one, `init` makes it.
 */
import { cast, isFloat, manualSeed, noGrad, tidy, type DType, type Tensor } from '@tessera/core';
import { NnError, StateDictError } from './errors.js';
import type { Init } from './init.js';

/** Checkpoint tensors being consumed by one model build; reports what did not fit. */
export class Checkpoint {
  readonly used = new Set<string>();
  readonly missing: string[] = [];
  readonly misShaped: string[] = [];
  /** [model dim, checkpoint dim] pairs that differ, for naming the config field behind them. */
  readonly shapeClashes: [number, number][] = [];

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
  check(
    where: string, strict: boolean, ignore: readonly RegExp[] = [], ignoreMismatched = false, config?: Record<string, unknown>,
  ): { missingKeys: string[]; unexpectedKeys: string[] } {
    const unexpectedKeys = this.unexpected(ignore);
    if (ignoreMismatched && this.misShaped.length) {
      console.warn(`${where}: newly initialised because the checkpoint's shapes differ (ignoreMismatchedSizes): ${this.misShaped.join(', ')}; train them before use`);
    }
    const misShaped = ignoreMismatched ? [] : this.misShaped;
    if (misShaped.length || (strict && (this.missing.length || unexpectedKeys.length))) {
      throw new StateDictError(`${where}: the checkpoint does not fit the model: ${[
        this.missing.length ? `missing keys: ${listed(this.missing)}` : '',
        unexpectedKeys.length ? `unexpected keys: ${listed(unexpectedKeys)}` : '',
        misShaped.length ? `mis-shaped keys: ${listed(misShaped)} (ignoreMismatchedSizes: true keeps fresh weights for them)` : '',
      ].filter(Boolean).join('; ')}${misShaped.length ? configHint(this.shapeClashes, config) : ''}`);
    }
    return { missingKeys: [...this.missing], unexpectedKeys };
  }

  /** Free the tensors no model field took. */
  disposeUnused(): void {
    for (const [k, t] of Object.entries(this.tensors)) if (!this.used.has(k)) t.dispose();
  }
}

/** The first keys of a long list, and how many more (an error stays readable for a 500-key checkpoint). */
function listed(keys: readonly string[], shown = 6): string {
  return keys.length <= shown ? keys.join(', ') : `${keys.slice(0, shown).join(', ')}, … and ${keys.length - shown} more`;
}

/**
 * The config fields whose value is a size the model used where the checkpoint has another: a
 * config.json that lost `n_embd` builds the default 768 where the weights are 64 wide.
 */
function configHint(clashes: readonly [number, number][], config?: Record<string, unknown>): string {
  if (!config || !clashes.length) return '';
  const [model, file] = clashes[0]!;
  const fields = Object.entries(config).filter(([, v]) => v === model).map(([k]) => k);
  if (!fields.length) return '';
  return `. The model has ${model} where the checkpoint has ${file}: check config.json's ${fields.map((f) => `'${f}'`).join(' / ')} (now ${model}; absent fields take the family's defaults)`;
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
  if (w === null || typeof w !== 'object') throw new NnError(`a model's second argument must be a Weights or { backend?, dtype?, seed? }, got ${w === null ? 'null' : typeof w}`, 'ERR_ARGUMENT');
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
        shape.forEach((d, i) => { if (t.shape[i] !== undefined && t.shape[i] !== d) ck.shapeClashes.push([d, t.shape[i]!]); });
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
