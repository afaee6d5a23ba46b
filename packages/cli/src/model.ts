/**
 * The model a `tessera train` run starts from: a family (`--model gpt2|llama`) with a config
 * (`--config`, else a small default sized for a CPU), a pretrained folder (`--from`), or the latest
 * checkpoint (`--resume`). The config's vocabulary must hold the tokenizer's.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  AutoModelForCausalLM, fromConfigFile, GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, type ConfigDict,
} from '@tessera/nn';
import type { TrainableModel } from '@tessera/train';
import { UsageError } from './errors.js';

export const FAMILIES = ['gpt2', 'llama'] as const;
export type Family = (typeof FAMILIES)[number];

/** Small defaults (nanoGPT's baby GPT size) for a model trained from scratch on a CPU. */
export function defaultConfig(family: Family, vocabSize: number, positions: number, eos: number): ConfigDict {
  if (family === 'gpt2') {
    return {
      model_type: 'gpt2', vocab_size: vocabSize, n_positions: positions, n_embd: 128, n_layer: 4, n_head: 4,
      resid_pdrop: 0, embd_pdrop: 0, attn_pdrop: 0, bos_token_id: eos, eos_token_id: eos,
    };
  }
  return {
    model_type: 'llama', vocab_size: vocabSize, max_position_embeddings: positions, hidden_size: 128, intermediate_size: 344,
    num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2, tie_word_embeddings: true, bos_token_id: eos, eos_token_id: eos,
  };
}

/** Read config.json given as a file or a folder holding it. */
export function readConfigArg(path: string): ConfigDict {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'config.json') : path;
  if (!existsSync(file)) throw new UsageError(`--config: '${file}' does not exist; pass a config.json or a folder holding one`);
  let dict: unknown;
  try {
    dict = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config: '${file}' is not valid JSON (${(e as Error).message})`);
  }
  if (!dict || typeof dict !== 'object' || Array.isArray(dict)) throw new UsageError(`--config: '${file}' must hold a JSON object`);
  return dict as ConfigDict;
}

export function vocabOf(dict: ConfigDict): number | undefined {
  return typeof dict.vocab_size === 'number' ? dict.vocab_size : undefined;
}

export function positionsOf(family: Family, dict: ConfigDict): number {
  const v = family === 'gpt2' ? dict.n_positions ?? 1024 : dict.max_position_embeddings ?? 2048;
  return typeof v === 'number' ? v : NaN;
}

/** Build a freshly initialised model of `family` from a config dict (config errors become usage errors). */
export function buildModel(family: Family, dict: ConfigDict): TrainableModel & { config: { toDict(): ConfigDict } } {
  try {
    // a config.json: fields this family does not read are kept, as HF keeps them
    if (family === 'gpt2') return new GPT2LMHeadModel(fromConfigFile(() => new GPT2Config({ ...dict, model_type: 'gpt2' })));
    return new LlamaForCausalLM(fromConfigFile(() => new LlamaConfig({ ...dict, model_type: 'llama' })));
  } catch (e) {
    throw new UsageError(`--config: ${(e as Error).message}`);
  }
}

export async function loadModel(dir: string, what: string): Promise<TrainableModel & { config: { toDict(): ConfigDict } }> {
  if (!existsSync(join(dir, 'config.json'))) throw new UsageError(`${what}: '${dir}' holds no config.json (a folder written by savePretrained)`);
  try {
    return (await AutoModelForCausalLM.fromPretrained(dir)) as unknown as TrainableModel & { config: { toDict(): ConfigDict } };
  } catch (e) {
    throw new UsageError(`${what}: cannot load '${dir}': ${(e as Error).message.split('\n')[0]}`);
  }
}
