/**
 * Declarative configs: each HF config.json field of a family described once (name, type, default,
 * valid range); reading, validation, the camelCase properties and `toDict` all come from that table.
 */
import { ConfigReader, type ConfigDict } from './config.js';

export type FieldSpec =
  | { readonly kind: 'int'; readonly default: number; readonly min?: number }
  /**
   * An integer or absent (null): the family derives the value (GPT-2's n_inner = 4 · n_embd).
   * `writeDerived`: toDict writes the derived value (as HF's LlamaConfig does), else what was given.
   */
  | { readonly kind: 'optInt'; readonly min?: number; readonly writeDerived?: boolean }
  | { readonly kind: 'num'; readonly default: number; readonly min?: number; readonly max?: number }
  | { readonly kind: 'bool'; readonly default: boolean }
  | { readonly kind: 'oneOf'; readonly default: string; readonly values: readonly string[] }
  | { readonly kind: 'tokenIds'; readonly default: number | number[] | null }
  /** Must be null or absent: other values change the maths and are not supported (the text says what). */
  | { readonly kind: 'unsupported'; readonly what: string }
  /** HF has it; it has no effect here (accepted, kept, written back as given). */
  | { readonly kind: 'ignored' }
  /** Computed from other fields (T5's dense_act_fn from feed_forward_proj): accepted; the class writes it. */
  | { readonly kind: 'derived' };

export type ConfigSchema = Readonly<Record<string, FieldSpec>>;

export const int = (d: number, min = 1) => ({ kind: 'int' as const, default: d, min });
export const optInt = (min = 0, writeDerived = false) => ({ kind: 'optInt' as const, min, writeDerived });
export const num = (d: number, min = -Infinity, max = Infinity) => ({ kind: 'num' as const, default: d, min, max });
export const bool = (d: boolean) => ({ kind: 'bool' as const, default: d });
export const oneOf = (d: string, values: readonly string[]) => ({ kind: 'oneOf' as const, default: d, values });
export const tokenIds = (d: number | number[] | null) => ({ kind: 'tokenIds' as const, default: d });
export const unsupported = (what: string) => ({ kind: 'unsupported' as const, what });
export const ignored = { kind: 'ignored' as const };
export const derived = { kind: 'derived' as const };

type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type ValueOf<F> =
  F extends { kind: 'int' | 'num' | 'optInt' } ? number
      : F extends { kind: 'bool' } ? boolean
        : F extends { kind: 'oneOf' } ? string
          : F extends { kind: 'tokenIds' } ? number | number[] | null
            : never;
type Read<S> = { readonly [K in keyof S as S[K] extends { kind: 'unsupported' | 'ignored' | 'derived' } ? never : Camel<K & string>]: ValueOf<S[K]> };

/** The camelCase properties a schema gives its config class. */
export type ConfigValues<S extends ConfigSchema> = Read<S>;

/**
 * The base of a config class: typed with the schema's camelCase properties (read-only), which the
 * subclass's constructor fills with `readFields`. `class GPT2Config extends configFields(GPT2_FIELDS)`.
 */
export function configFields<S extends ConfigSchema>(_schema: S): new () => ConfigValues<S> {
  return class {} as new () => ConfigValues<S>;
}

export const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Read every field of `schema` from `dict` (checked, each error naming its field), assign the values
 * to `target` under camelCase names, and refuse unknown fields unless reading a config.json.
 */
export function readFields(target: object, schema: ConfigSchema, dict: ConfigDict, where: string, modelType: string): void {
  const r = new ConfigReader(dict, where);
  r.modelType(modelType);
  const out = target as Record<string, unknown>;
  for (const [name, f] of Object.entries(schema)) {
    switch (f.kind) {
      case 'int': out[camel(name)] = r.int(name, f.default, f.min); break;
      case 'optInt': out[camel(name)] = r.optInt(name, f.min); break;
      case 'num': out[camel(name)] = r.num(name, f.default, f.min, f.max); break;
      case 'bool': out[camel(name)] = r.bool(name, f.default); break;
      case 'oneOf': out[camel(name)] = r.oneOf(name, f.default, f.values); break;
      case 'tokenIds': out[camel(name)] = r.tokenIds(name, f.default); break;
      case 'unsupported': r.unsupportedUnlessNull(name, f.what); break;
      case 'ignored': case 'derived': break;
    }
  }
  r.finish(Object.keys(schema));
}

/** config.json's dict: the fields as read (camelCase values back under HF's names) over the other keys given. */
export function writeFields(source: object, schema: ConfigSchema, raw: ConfigDict, modelType: string): ConfigDict {
  const src = source as Record<string, unknown>;
  const out: ConfigDict = { ...raw, model_type: modelType };
  for (const [name, f] of Object.entries(schema)) {
    if (f.kind === 'unsupported') out[name] = null;
    else if (f.kind === 'optInt') out[name] = (f.writeDerived ? src[camel(name)] : raw[name]) ?? null;
    else if (f.kind !== 'ignored' && f.kind !== 'derived') out[name] = src[camel(name)];
  }
  return out;
}
