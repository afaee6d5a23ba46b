/**
 * fromPretrained / savePretrained on local Hugging Face folders: config.json, model.safetensors
 * (or shards + index), generation_config.json, and tokenizer files copied along. Nothing is fetched.
 */
import { isFloat, type DType } from '@tessera/core';
import { NnError } from '../errors.js';
import { Module } from '../module.js';
import { loadSafetensorsCheckpoint, saveShardedSafetensors } from '../safetensors/index.js';
import { Checkpoint, Weights } from '../weights.js';
import { fromConfigFile, parseConfigJson, type ConfigDict } from './config.js';
import { exists, nodeFs, readText, writeFileAtomic } from './files.js';

export interface FromPretrainedOptions {
  backend?: string;
  /** float parameters in this dtype (default: as stored). */
  dtype?: DType;
  /** Default true: missing or unexpected checkpoint keys are an error (mis-shaped ones always are). */
  strict?: boolean;
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

const fromPretrainedKeys = new Set(['backend', 'dtype', 'strict']);

export interface LoadSpec<C, M> {
  where: string;
  readConfig: (dict: ConfigDict) => C;
  build: (config: C, weights: Weights) => M;
  /** HF base_model_prefix: checkpoint keys are tried with and without it. */
  basePrefix?: string;
  /** Checkpoint keys that are expected to go unused (tied copies, old buffers). */
  ignoreUnexpected?: readonly RegExp[];
}

/** Base of every family's model classes. */
export abstract class PreTrainedModel<C extends PretrainedConfig = PretrainedConfig> extends Module {
  /** The folder the model was loaded from (its tokenizer files are copied on save). */
  declare sourceDir?: string;

  constructor(readonly config: C) {
    super();
    Object.defineProperty(this, 'sourceDir', { value: undefined, writable: true, enumerable: false });
  }

  /** The HF class name written into config.json `architectures`. */
  abstract get className(): string;

  /** Write config.json, model.safetensors (tied tensors once), generation_config.json, tokenizer files. */
  async savePretrained(dir: string, opts: SavePretrainedOptions = {}): Promise<void> {
    const where = `${this.className}.savePretrained`;
    if (typeof dir !== 'string' || !dir) throw new NnError(`${where}: dir must be a non-empty path, got ${String(dir)}`, 'ERR_ARGUMENT');
    const { fs, path } = await nodeFs(where);
    await fs.mkdir(dir, { recursive: true });
    const floats = this.parameters().filter((t) => isFloat(t.dtype));
    const torchDtype = floats[0]?.dtype ?? 'float32'; // what the weights are, whatever the config was loaded with
    const config = { ...this.config.toDict(), architectures: [this.className], torch_dtype: torchDtype };
    await writeFileAtomic(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`, where);
    const gen = this.config.generationConfig();
    if (gen) await writeFileAtomic(path.join(dir, 'generation_config.json'), `${JSON.stringify(gen, null, 2)}\n`, where);
    await saveShardedSafetensors(dir, this.stateDict(), { maxShardSize: opts.maxShardSize, metadata: { format: 'pt' } });
    if (this.sourceDir && path.resolve(this.sourceDir) !== path.resolve(dir)) {
      for (const f of TOKENIZER_FILES) {
        const src = path.join(this.sourceDir, f);
        if (await exists(src)) await writeFileAtomic(path.join(dir, f), await fs.readFile(src), where);
      }
    }
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
  const dict = parseConfigJson(await readText(file, spec.where), file);
  const config = fromConfigFile(() => spec.readConfig(dict));
  const { tensors } = await loadSafetensorsCheckpoint(dir, { backend: opts.backend, dtype: opts.dtype });
  const ck = new Checkpoint(tensors, spec.basePrefix ?? '');
  let model: M | undefined;
  try {
    model = spec.build(config, new Weights(ck, { backend: opts.backend, dtype: opts.dtype }));
    ck.check(spec.where, opts.strict ?? true, spec.ignoreUnexpected);
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
