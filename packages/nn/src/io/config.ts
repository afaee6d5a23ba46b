/**
 * Reading HF config.json: every field a family reads goes through a typed reader that checks it
 * and names it in the error; fields the family does not read are kept so savePretrained writes
 * them back.
 */
import { ConfigError, show } from '../errors.js';

export type ConfigDict = Record<string, unknown>;

/** PretrainedConfig's own fields (HF): any family's config.json may carry them. */
const COMMON_FIELDS = new Set([
  'model_type', 'architectures', 'torch_dtype', 'transformers_version', '_name_or_path', '_commit_hash', '_attn_implementation',
  'use_cache', 'return_dict', 'output_hidden_states', 'output_attentions', 'torchscript', 'use_bfloat16', 'pruned_heads',
  'tie_word_embeddings', 'chunk_size_feed_forward', 'is_encoder_decoder', 'is_decoder', 'add_cross_attention',
  'tie_encoder_decoder', 'finetuning_task', 'id2label', 'label2id', 'num_labels', 'tokenizer_class', 'prefix',
  'bos_token_id', 'pad_token_id', 'eos_token_id', 'sep_token_id', 'decoder_start_token_id', 'task_specific_params',
  'problem_type', 'max_length', 'min_length', 'do_sample', 'early_stopping', 'num_beams', 'temperature', 'top_k', 'top_p',
  'repetition_penalty', 'length_penalty', 'no_repeat_ngram_size', 'bad_words_ids', 'num_return_sequences',
]);

let readingFiles = 0;

/**
 * Build a config from a config.json's dict: keys no reader takes are kept (as HF keeps them), where a
 * config built in code refuses them as typos.
 */
export function fromConfigFile<T>(build: () => T): T {
  readingFiles++;
  try {
    return build();
  } finally {
    readingFiles--;
  }
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known name closest to `key` (camelCase read as snake_case), when close enough to be a typo. */
export function closestField(key: string, known: Iterable<string>): string | undefined {
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  let best: [number, string] | undefined;
  for (const k of known) {
    const d = Math.min(editDistance(key, k), editDistance(snake, k));
    if (!best || d < best[0]) best = [d, k];
  }
  return best && best[0] <= Math.max(2, Math.floor(best[1].length / 3)) ? best[1] : undefined;
}

/** Refuse keys outside `known` (and HF's common fields) unless reading a config.json. */
function checkKnownKeys(where: string, dict: ConfigDict, known: Iterable<string>): void {
  if (readingFiles > 0) return;
  const names = new Set([...known, ...COMMON_FIELDS]);
  for (const k of Object.keys(dict)) {
    if (names.has(k)) continue;
    const near = closestField(k, names);
    throw new ConfigError(`${where}: unknown config field '${k}'${near ? `; did you mean '${near}'?` : ''} (fields are config.json's snake_case names)`);
  }
}

export class ConfigReader {
  private readonly read = new Set<string>();

  constructor(readonly dict: ConfigDict, readonly where: string) {
    if (!dict || typeof dict !== 'object' || Array.isArray(dict)) {
      throw new ConfigError(`${where}: config must be a JSON object, got ${show(dict)}`);
    }
  }

  /**
   * After the last read: in code, a key no reader took is a typo (the error names the closest
   * field); `alsoKnown` lists the family's fields that are accepted without being read.
   */
  finish(alsoKnown: readonly string[] = []): void {
    checkKnownKeys(this.where, this.dict, [...this.read, ...alsoKnown]);
  }

  private fail(name: string, want: string, v: unknown): never {
    throw new ConfigError(`${this.where}: config field '${name}' must be ${want}, got ${show(v)}`);
  }

  private value(name: string): unknown {
    this.read.add(name);
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
