/**
 * fromPretrained / savePretrained on local Hugging Face folders: config.json, model.safetensors
 * (or shards + index), generation_config.json, and tokenizer files copied along. Nothing is fetched.
 */
import { isFloat, TesseraError, type DType } from '@tessera/core';
import { NnError } from '../errors.js';
import { Module } from '../module.js';
import { loadSafetensorsCheckpoint, saveSafetensorsFile } from '../safetensors/index.js';
import {
  DEFAULT_MAX_SHARD_SIZE, formatSafetensorsIndex, planShards, SAFETENSORS_INDEX_NAME, SAFETENSORS_WEIGHTS_NAME,
} from '../safetensors/sharded.js';
import { Checkpoint, Weights } from '../weights.js';
import { fromConfigFile, parseConfigJson, type ConfigDict } from './config.js';
import { exists, nodeFs, readText } from './files.js';

export interface FromPretrainedOptions {
  backend?: string;
  /** float parameters in this dtype (default: as stored). */
  dtype?: DType;
  /** Default true: missing or unexpected checkpoint keys are an error. */
  strict?: boolean;
  /**
   * HF's ignore_mismatched_sizes: a checkpoint tensor whose shape differs from the model's (a 2-label
   * head loaded into a 3-label model) is skipped and the model's freshly initialised one kept, with a
   * warning naming it; default false: mis-shaped keys are an error.
   */
  ignoreMismatchedSizes?: boolean;
  /** config.json fields to override (HF's from_pretrained keyword arguments), e.g. `{ num_labels: 3 }`. */
  config?: ConfigDict;
}

export interface SavePretrainedOptions {
  /** Split model.safetensors into shards of at most this size (bytes or "5GB"), as HF. */
  maxShardSize?: number | string;
}

/** A family's config: built from config.json's dict, written back with HF names. */
export interface PretrainedConfig {
  readonly modelType: string;
  toDict(): ConfigDict;
  /** generation_config.json fields, or null when the class does not generate. */
  generationConfig(): ConfigDict | null;
}

/** Files copied next to the weights when present (the tokenizer of the checkpoint). */
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt', 'vocab.txt', 'spiece.model', 'tokenizer.model'];

const fromPretrainedKeys = new Set(['backend', 'dtype', 'strict', 'ignoreMismatchedSizes', 'config']);

export interface LoadSpec<C, M> {
  where: string;
  readConfig: (dict: ConfigDict) => C;
  build: (config: C, weights: Weights) => M;
  /** HF base_model_prefix: checkpoint keys are tried with and without it. */
  basePrefix?: string;
  /** Checkpoint keys that are expected to go unused (tied copies, old buffers). */
  ignoreUnexpected?: readonly RegExp[];
}

/** What a model class declares for the shared `fromPretrained` (HF: config_class, base_model_prefix...). */
export interface PretrainedClass<M> {
  new (config: never, weights: Weights): M;
  readonly name: string;
  /** Builds the family's config from config.json's dict (checks model_type). */
  readonly configFromDict: (dict: ConfigDict) => PretrainedConfig;
  readonly basePrefix: string;
  /** Checkpoint keys expected to go unused (HF's _keys_to_ignore_on_load_unexpected, tied copies). */
  readonly ignoreOnLoad: readonly RegExp[];
}

/** Base of every family's model classes. */
export abstract class PreTrainedModel<C extends PretrainedConfig = PretrainedConfig> extends Module {
  static readonly configFromDict: ((dict: ConfigDict) => PretrainedConfig) | undefined = undefined;
  static readonly basePrefix: string = '';
  static readonly ignoreOnLoad: readonly RegExp[] = [];

  /**
   * A model from a Hugging Face folder (config.json + model.safetensors or shards), in eval mode as
   * transformers' from_pretrained. The same for every family: the class supplies its config, base
   * prefix and the checkpoint keys to ignore.
   */
  static async fromPretrained<M extends PreTrainedModel>(this: PretrainedClass<M>, dir: string, opts: FromPretrainedOptions = {}): Promise<M> {
    if (!this.configFromDict) throw new NnError(`${this.name}.fromPretrained: this class declares no configFromDict`, 'ERR_ARGUMENT');
    return loadPretrained(dir, opts, {
      where: `${this.name}.fromPretrained`, readConfig: this.configFromDict, build: (c, w) => new this(c as never, w),
      basePrefix: this.basePrefix, ignoreUnexpected: this.ignoreOnLoad,
    });
  }

  /** The folder the model was loaded from (its tokenizer files are copied on save). */
  declare sourceDir?: string;

  constructor(readonly config: C) {
    super();
    Object.defineProperty(this, 'sourceDir', { value: undefined, writable: true, enumerable: false });
  }

  /** The HF class name written into config.json `architectures`. */
  abstract get className(): string;

  /**
   * Write config.json, model.safetensors (or shards + index; tied tensors once),
   * generation_config.json and the tokenizer files, as one step: the arguments are checked first,
   * every new file is written under a temporary name, and only when all are written are they renamed
   * (weights first, config.json last). A failed or killed save leaves the previous model loadable;
   * temporary files of an earlier killed save are removed.
   */
  async savePretrained(dir: string, opts: SavePretrainedOptions = {}): Promise<void> {
    const where = `${this.className}.savePretrained`;
    if (typeof dir !== 'string' || !dir) throw new NnError(`${where}: dir must be a non-empty path, got ${String(dir)}`, 'ERR_ARGUMENT');
    if (opts === null || typeof opts !== 'object') throw new NnError(`${where}: options must be an object { maxShardSize? }`, 'ERR_ARGUMENT');
    for (const k of Object.keys(opts)) if (k !== 'maxShardSize') throw new NnError(`${where}: unknown option '${k}' (known: maxShardSize)`, 'ERR_ARGUMENT');
    const tensors = this.stateDict();
    const plan = planShards(tensors, opts.maxShardSize ?? DEFAULT_MAX_SHARD_SIZE); // a bad size fails before any write
    const floats = Object.values(tensors).filter((t) => isFloat(t.dtype));
    const torchDtype = floats[0]?.dtype ?? 'float32'; // what the weights are, whatever the config was loaded with
    const config = { ...this.config.toDict(), architectures: [this.className], torch_dtype: torchDtype };
    const gen = this.config.generationConfig();
    const { fs, path } = await nodeFs(where);
    await prepareFolder(fs, dir, where);
    const staged = new StagedFiles(fs, path, dir, where);
    try {
      for (const sh of plan.shards) {
        await saveSafetensorsFile(staged.add(sh.file), Object.fromEntries(sh.names.map((n) => [n, tensors[n]!])), { format: 'pt' });
      }
      if (plan.index) await staged.write(SAFETENSORS_INDEX_NAME, formatSafetensorsIndex(plan.index));
      if (gen) await staged.write('generation_config.json', `${JSON.stringify(gen, null, 2)}\n`);
      if (this.sourceDir && path.resolve(this.sourceDir) !== path.resolve(dir)) {
        for (const f of TOKENIZER_FILES) {
          const src = path.join(this.sourceDir, f);
          if (await exists(src)) await staged.write(f, await fs.readFile(src));
        }
      }
      await staged.write('config.json', `${JSON.stringify(config, null, 2)}\n`);
    } catch (e) {
      await staged.discard();
      throw e instanceof TesseraError ? e : new NnError(`${where}: could not write into ${dir}: ${(e as Error).message}`, 'ERR_IO');
    }
    await staged.commit(); // in the order written: weights, index, generation config, tokenizer, config.json last
    const keep = new Set(plan.shards.map((sh) => sh.file));
    if (plan.index) keep.add(SAFETENSORS_INDEX_NAME);
    for (const f of await fs.readdir(dir)) {
      const staleWeights = !keep.has(f) && (SHARD_FILE.test(f) || f === SAFETENSORS_WEIGHTS_NAME || f === SAFETENSORS_INDEX_NAME);
      if (staleWeights || STAGED_FILE.test(f)) await fs.rm(path.join(dir, f), { force: true });
    }
  }
}

const SHARD_FILE = /^model-\d{5}-of-\d{5}\.safetensors$/;
/** Temporary names of staged files (and of writeFileAtomic's), removed by the next save when a save was killed. */
const STAGED_FILE = /^\..+\.\d+\.[0-9a-z]+\.tmp$/;

type Fs = Awaited<ReturnType<typeof nodeFs>>['fs'];
type Path = Awaited<ReturnType<typeof nodeFs>>['path'];

/** Create `dir`; a path that is a file is a typed error, not a raw EEXIST. */
async function prepareFolder(fs: Fs, dir: string, where: string): Promise<void> {
  const st = await fs.stat(dir).catch(() => null);
  if (st && !st.isDirectory()) throw new NnError(`${where}: ${dir} is a file, not a folder; pass a folder path`, 'ERR_ARGUMENT');
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new NnError(`${where}: cannot create the folder ${dir}: ${(e as Error).message}`, 'ERR_IO');
  }
}

/** Files written under temporary names in one folder, renamed together. */
class StagedFiles {
  private readonly files: [tmp: string, final: string][] = [];
  private readonly stamp = `${process.pid}.${Date.now()}`;
  constructor(private readonly fs: Fs, private readonly path: Path, private readonly dir: string, private readonly where: string) {}

  /** The temporary path for `name` (the caller writes it). */
  add(name: string): string {
    const tmp = this.path.join(this.dir, `.${name}.${this.stamp}.tmp`);
    this.files.push([tmp, this.path.join(this.dir, name)]);
    return tmp;
  }

  async write(name: string, data: string | Uint8Array): Promise<void> {
    await this.fs.writeFile(this.add(name), data);
  }

  async commit(): Promise<void> {
    for (const [tmp, final] of this.files) {
      try {
        await this.fs.rename(tmp, final);
      } catch (e) {
        throw new NnError(`${this.where}: could not move ${tmp} to ${final}: ${(e as Error).message}`, 'ERR_IO');
      }
    }
  }

  async discard(): Promise<void> {
    for (const [tmp] of this.files) await this.fs.rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** Read config.json, build the model from the checkpoint's tensors (each taken, not copied). */
export async function loadPretrained<C, M extends PreTrainedModel>(dir: string, opts: FromPretrainedOptions, spec: LoadSpec<C, M>): Promise<M> {
  if (typeof dir !== 'string' || !dir) throw new NnError(`${spec.where}: dir must be a non-empty path, got ${String(dir)}`, 'ERR_ARGUMENT');
  if (opts === null || typeof opts !== 'object') throw new NnError(`${spec.where}: options must be an object`, 'ERR_ARGUMENT');
  for (const k of Object.keys(opts)) {
    if (!fromPretrainedKeys.has(k)) throw new NnError(`${spec.where}: unknown option '${k}' (known: ${[...fromPretrainedKeys].join(', ')})`, 'ERR_ARGUMENT');
  }
  const { path } = await nodeFs(spec.where);
  const file = path.join(dir, 'config.json');
  if (opts.config !== undefined && (opts.config === null || typeof opts.config !== 'object' || Array.isArray(opts.config))) {
    throw new NnError(`${spec.where}: option 'config' must be an object of config.json fields to override`, 'ERR_ARGUMENT');
  }
  const dict = { ...parseConfigJson(await readText(file, spec.where), file), ...opts.config };
  const config = fromConfigFile(() => spec.readConfig(dict));
  const { tensors } = await loadSafetensorsCheckpoint(dir, { backend: opts.backend, dtype: opts.dtype });
  const ck = new Checkpoint(tensors, spec.basePrefix ?? '');
  let model: M | undefined;
  try {
    model = spec.build(config, new Weights(ck, { backend: opts.backend, dtype: opts.dtype }));
    const cfg = (config as { toDict?: () => ConfigDict }).toDict?.();
    ck.check(spec.where, opts.strict ?? true, spec.ignoreUnexpected, opts.ignoreMismatchedSizes ?? false, cfg);
  } catch (e) {
    if (model) model.dispose();
    else for (const t of Object.values(tensors)) t.dispose(); // a partial build holds only these
    ck.disposeUnused();
    throw e;
  }
  ck.disposeUnused();
  model.sourceDir = dir;
  return model.eval(); // as transformers' from_pretrained: dropout off until train()
}
