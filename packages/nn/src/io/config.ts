/**
 * Reading HF config.json: every field a family reads goes through a typed reader that checks it
 * and names it in the error; fields the family does not read are kept so savePretrained writes
 * them back.
 */
import { ConfigError, show } from '../errors.js';

export type ConfigDict = Record<string, unknown>;

export class ConfigReader {
  constructor(readonly dict: ConfigDict, readonly where: string) {
    if (!dict || typeof dict !== 'object' || Array.isArray(dict)) {
      throw new ConfigError(`${where}: config must be a JSON object, got ${show(dict)}`);
    }
  }

  private fail(name: string, want: string, v: unknown): never {
    throw new ConfigError(`${this.where}: config field '${name}' must be ${want}, got ${show(v)}`);
  }

  private value(name: string): unknown {
    return this.dict[name];
  }

  /** An integer ≥ min (default 1); `def` when absent or null. */
  int(name: string, def: number, min = 1): number {
    const v = this.value(name) ?? def;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) this.fail(name, `an integer ≥ ${min}`, v);
    return v;
  }

  /** An integer ≥ min, or undefined when absent / null. */
  optInt(name: string, min = 0): number | undefined {
    const v = this.value(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) this.fail(name, `an integer ≥ ${min} or null`, v);
    return v;
  }

  /** Token ids: an integer, a list of integers (HF allows eos lists), or null. */
  tokenIds(name: string, def: number | number[] | null): number | number[] | null {
    const v = this.value(name) === undefined ? def : this.value(name);
    if (v === null) return null;
    const ok = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
    if (ok(v) || (Array.isArray(v) && v.length > 0 && v.every(ok))) return v as number | number[];
    return this.fail(name, 'a token id, a list of token ids or null', v);
  }

  /** A finite number in [min, max]. */
  num(name: string, def: number, min = -Infinity, max = Infinity): number {
    const v = this.value(name) ?? def;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) this.fail(name, `a number in [${min}, ${max}]`, v);
    return v;
  }

  bool(name: string, def: boolean): boolean {
    const v = this.value(name) ?? def;
    if (typeof v !== 'boolean') this.fail(name, 'true or false', v);
    return v;
  }

  /** One of `allowed`. */
  oneOf<T extends string>(name: string, def: T, allowed: readonly T[]): T {
    const v = this.value(name) ?? def;
    if (typeof v !== 'string' || !allowed.includes(v as T)) this.fail(name, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, v);
    return v as T;
  }

  /** Null, or fail with what is not supported (a field whose other values change the maths). */
  unsupportedUnlessNull(name: string, what: string): void {
    const v = this.value(name);
    if (v !== undefined && v !== null) throw new ConfigError(`${this.where}: config field '${name}' (${what}) is not supported yet; got ${show(v)}`);
  }

  /** `model_type` must be this one (when present). */
  modelType(expected: string): void {
    const v = this.value('model_type');
    if (v !== undefined && v !== expected) this.fail('model_type', JSON.stringify(expected), v);
  }
}

/** Parse config.json text (typed error on bad JSON). */
export function parseConfigJson(text: string, file: string): ConfigDict {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`${file}: must hold a JSON object, got ${show(v)}`);
  return v as ConfigDict;
}
