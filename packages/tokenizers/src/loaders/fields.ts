// Checked reads of a parsed file: every read names the field path (`post_processor.special_tokens["</s>"].ids[0]`),
// what was there (bounded) and what was expected.
import { describe, fail, type TokenizerErrorCode } from '../errors.js';

export type J = Record<string, unknown>;
export const isObj = (x: unknown): x is J => typeof x === 'object' && x !== null && !Array.isArray(x);

/** `a.b`, `a["x y"]` or `a[3]`. */
export function sub(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const k = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key.length > 40 ? key.slice(0, 40) + '…' : key);
  return k.startsWith('"') ? `${path}[${k}]` : path ? `${path}.${k}` : k;
}

/** A reader of one file: `file` prefixes every message, `code` is the error code. */
export class Fields {
  constructor(readonly file: string, readonly code: TokenizerErrorCode = 'INVALID_FIELD') {}
  bad(path: string, want: string, got: unknown): never {
    fail(this.code, `${this.file}: ${path} must be ${want}, got ${describe(got)}`);
  }
  missing(path: string, want: string): never { fail(this.code, `${this.file}: ${path} is missing (expected ${want})`); }
  obj(v: unknown, path: string): J { if (!isObj(v)) this.bad(path, 'an object', v); return v; }
  /** A field that must be present (null counts as missing unless `nullable`). */
  private get(o: J, k: string, path: string, want: string, optional: boolean): unknown {
    const v = o[k];
    if (v === undefined || v === null) { if (optional) return undefined; this.missing(sub(path, k), want); }
    return v;
  }
  str(o: J, k: string, path: string, dflt?: string): string {
    const v = this.get(o, k, path, 'a string', dflt !== undefined);
    if (v === undefined) return dflt!;
    if (typeof v !== 'string') this.bad(sub(path, k), 'a string', v);
    return v;
  }
  strOrNull(o: J, k: string, path: string): string | null {
    const v = o[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') this.bad(sub(path, k), 'a string or null', v);
    return v;
  }
  bool(o: J, k: string, path: string, dflt?: boolean): boolean {
    const v = this.get(o, k, path, 'a boolean', dflt !== undefined);
    if (v === undefined) return dflt!;
    if (typeof v !== 'boolean') this.bad(sub(path, k), 'a boolean', v);
    return v;
  }
  boolOrNull(o: J, k: string, path: string): boolean | null {
    const v = o[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'boolean') this.bad(sub(path, k), 'a boolean or null', v);
    return v;
  }
  num(o: J, k: string, path: string, dflt?: number): number {
    const v = this.get(o, k, path, 'a finite number', dflt !== undefined);
    if (v === undefined) return dflt!;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.bad(sub(path, k), 'a finite number', v);
    return v;
  }
  /** An integer in [min, max]. */
  int(o: J, k: string, path: string, dflt?: number, min = 0, max = 2 ** 31 - 1): number {
    const v = this.get(o, k, path, `an integer in [${min}, ${max}]`, dflt !== undefined);
    if (v === undefined) return dflt!;
    return this.intValue(v, sub(path, k), min, max);
  }
  intOrNull(o: J, k: string, path: string, min = 0, max = 2 ** 31 - 1): number | null {
    const v = o[k];
    return v === undefined || v === null ? null : this.intValue(v, sub(path, k), min, max);
  }
  intValue(v: unknown, path: string, min = 0, max = 2 ** 31 - 1): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.bad(path, `an integer in [${min}, ${max}]`, v);
    return v;
  }
  arr(o: J, k: string, path: string): unknown[] {
    const v = this.get(o, k, path, 'an array', false);
    if (!Array.isArray(v)) this.bad(sub(path, k), 'an array', v);
    return v;
  }
  oneOf<T extends string>(o: J, k: string, path: string, allowed: readonly T[], dflt?: T): T {
    const v = this.get(o, k, path, `one of ${allowed.join(', ')}`, dflt !== undefined);
    if (v === undefined) return dflt!;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.bad(sub(path, k), `one of ${allowed.join(', ')}`, v);
    return v as T;
  }
  /** The `type` field of a component. */
  type(v: unknown, path: string): string {
    return this.str(this.obj(v, path), 'type', path);
  }
}
