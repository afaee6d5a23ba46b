/**
 * GenerationConfig: Hugging Face's generation settings in camelCase, checked once (a bad value or
 * an unknown field is a GenerationError naming it), plus llama.cpp's samplers HF lacks. Reads
 * `generation_config.json` (snake_case) from a model folder.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { GenerationError } from './errors.js';
import { ids as idList, int, num } from './check.js';

export interface GenerationConfigFields {
  maxNewTokens: number;
  minNewTokens: number;
  doSample: boolean;
  temperature: number;
  topK: number;
  topP: number;
  minP: number | null;
  typicalP: number;
  epsilonCutoff: number;
  etaCutoff: number;
  repetitionPenalty: number;
  presencePenalty: number;
  frequencyPenalty: number;
  noRepeatNgramSize: number;
  badWordsIds: number[][] | null;
  sequenceBias: [number[], number][] | null;
  suppressTokens: number[] | null;
  forcedBosTokenId: number | null;
  forcedEosTokenId: number | number[] | null;
  numBeams: number;
  lengthPenalty: number;
  earlyStopping: boolean | 'never';
  numReturnSequences: number;
  eosTokenId: number | number[] | null;
  padTokenId: number | null;
  stopStrings: string[] | null;
  seed: number;
  useCache: boolean;
  dryMultiplier: number;
  dryBase: number;
  dryAllowedLength: number;
  drySequenceBreakers: string[];
  xtcProbability: number;
  xtcThreshold: number;
  topNSigma: number | null;
  mirostatTau: number | null;
  mirostatEta: number;
}

/** HF's defaults (top_k 50 applies only when sampling, as in HF); llama.cpp's for its samplers. */
export const GENERATION_DEFAULTS: GenerationConfigFields = {
  maxNewTokens: 20, minNewTokens: 0, doSample: false, temperature: 1, topK: 50, topP: 1, minP: null, typicalP: 1,
  epsilonCutoff: 0, etaCutoff: 0, repetitionPenalty: 1, presencePenalty: 0, frequencyPenalty: 0, noRepeatNgramSize: 0,
  badWordsIds: null, sequenceBias: null, suppressTokens: null, forcedBosTokenId: null, forcedEosTokenId: null, numBeams: 1, lengthPenalty: 1, earlyStopping: false, numReturnSequences: 1,
  eosTokenId: null, padTokenId: null, stopStrings: null, seed: 0, useCache: true,
  dryMultiplier: 0, dryBase: 1.75, dryAllowedLength: 2, drySequenceBreakers: ['\n', ':', '"', '*'],
  xtcProbability: 0, xtcThreshold: 0.1, topNSigma: null, mirostatTau: null, mirostatEta: 0.1,
};

const KEYS = Object.keys(GENERATION_DEFAULTS) as (keyof GenerationConfigFields)[];
/** generation_config.json fields that carry no setting here (the model's config supplies the BOS / decoder start ids). */
const IGNORED_FILE_FIELDS = new Set(['_from_model_config', 'transformers_version', 'max_length', 'bos_token_id', 'decoder_start_token_id', 'output_scores', 'return_dict_in_generate']);

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export class GenerationConfig implements GenerationConfigFields {
  declare maxNewTokens: number; declare minNewTokens: number; declare doSample: boolean; declare temperature: number;
  declare topK: number; declare topP: number; declare minP: number | null; declare typicalP: number;
  declare epsilonCutoff: number; declare etaCutoff: number; declare repetitionPenalty: number; declare presencePenalty: number;
  declare frequencyPenalty: number; declare noRepeatNgramSize: number; declare badWordsIds: number[][] | null;
  declare sequenceBias: [number[], number][] | null; declare suppressTokens: number[] | null; declare forcedBosTokenId: number | null;
  declare forcedEosTokenId: number | number[] | null; declare numBeams: number; declare lengthPenalty: number;
  declare earlyStopping: boolean | 'never'; declare numReturnSequences: number; declare eosTokenId: number | number[] | null;
  declare padTokenId: number | null; declare stopStrings: string[] | null; declare seed: number;
  declare useCache: boolean; declare dryMultiplier: number; declare dryBase: number; declare dryAllowedLength: number;
  declare drySequenceBreakers: string[]; declare xtcProbability: number; declare xtcThreshold: number; declare topNSigma: number | null;
  declare mirostatTau: number | null; declare mirostatEta: number;

  constructor(fields: Partial<GenerationConfigFields> = {}) {
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) throw new GenerationError('GenerationConfig: takes an object of settings');
    for (const k of Object.keys(fields)) {
      if (!(KEYS as string[]).includes(k)) throw new GenerationError(`GenerationConfig: unknown field '${k}' (known: ${KEYS.join(', ')})`);
    }
    Object.assign(this, GENERATION_DEFAULTS, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
    this.check();
  }

  /** A copy with some fields changed (checked again). */
  with(fields: Partial<GenerationConfigFields>): GenerationConfig {
    return new GenerationConfig({ ...this.toJSON(), ...fields });
  }

  toJSON(): GenerationConfigFields {
    return Object.fromEntries(KEYS.map((k) => [k, this[k]])) as unknown as GenerationConfigFields;
  }

  /** From generation_config.json's dict (snake_case, HF names). */
  static fromDict(dict: Record<string, unknown>, where = 'generation_config.json'): GenerationConfig {
    if (!dict || typeof dict !== 'object' || Array.isArray(dict)) throw new GenerationError(`${where}: must hold a JSON object`);
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(dict)) {
      if (IGNORED_FILE_FIELDS.has(k) || v === null) continue;
      const c = camel(k);
      if (!(KEYS as string[]).includes(c)) throw new GenerationError(`${where}: unknown field '${k}'`);
      fields[c] = v;
    }
    try {
      return new GenerationConfig(fields as Partial<GenerationConfigFields>);
    } catch (e) {
      throw new GenerationError(`${where}: ${(e as Error).message.replace(/^GenerationConfig: /, '')}`);
    }
  }

  /** generation_config.json of a model folder, or the defaults when it has none. */
  static fromPretrained(dir: string): GenerationConfig {
    const file = join(dir, 'generation_config.json');
    if (!existsSync(file)) return new GenerationConfig();
    let dict: unknown;
    try {
      dict = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new GenerationError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    return GenerationConfig.fromDict(dict as Record<string, unknown>, file);
  }

  private check(): void {
    const w = 'GenerationConfig';
    int(w, 'maxNewTokens', this.maxNewTokens, 0);
    int(w, 'minNewTokens', this.minNewTokens, 0);
    if (typeof this.doSample !== 'boolean') throw new GenerationError(`${w}: doSample must be a boolean, got ${String(this.doSample)}`);
    if (typeof this.useCache !== 'boolean') throw new GenerationError(`${w}: useCache must be a boolean, got ${String(this.useCache)}`);
    if (this.doSample) num(w, 'temperature', this.temperature, 0, Infinity, { loOpen: true });
    else num(w, 'temperature', this.temperature, 0, Infinity);
    int(w, 'topK', this.topK, 0);
    num(w, 'topP', this.topP, 0, 1, { loOpen: true });
    if (this.minP !== null) num(w, 'minP', this.minP, 0, 1);
    num(w, 'typicalP', this.typicalP, 0, 1, { loOpen: true });
    num(w, 'epsilonCutoff', this.epsilonCutoff, 0, 1, { hiOpen: true });
    num(w, 'etaCutoff', this.etaCutoff, 0, 1, { hiOpen: true });
    num(w, 'repetitionPenalty', this.repetitionPenalty, 0, Infinity, { loOpen: true });
    num(w, 'presencePenalty', this.presencePenalty, -2, 2);
    num(w, 'frequencyPenalty', this.frequencyPenalty, -2, 2);
    int(w, 'noRepeatNgramSize', this.noRepeatNgramSize, 0);
    int(w, 'numBeams', this.numBeams, 1);
    num(w, 'lengthPenalty', this.lengthPenalty, -Infinity, Infinity);
    if (this.earlyStopping !== true && this.earlyStopping !== false && this.earlyStopping !== 'never') throw new GenerationError(`${w}: earlyStopping must be true, false or 'never', got ${String(this.earlyStopping)}`);
    int(w, 'numReturnSequences', this.numReturnSequences, 1);
    if (this.numBeams > 1 && this.doSample) throw new GenerationError(`${w}: numBeams > 1 with doSample (beam sampling) is not available; use doSample false for beam search`, 'ERR_UNSUPPORTED');
    if (this.numBeams > 1 && this.mirostatTau !== null) throw new GenerationError(`${w}: mirostatTau samples, so it cannot run with numBeams > 1`);
    if (this.numReturnSequences > 1 && this.numBeams > 1 && this.numReturnSequences > this.numBeams) throw new GenerationError(`${w}: numReturnSequences ${this.numReturnSequences} exceeds numBeams ${this.numBeams}`);
    if (this.numReturnSequences > 1 && this.numBeams === 1 && !this.doSample) throw new GenerationError(`${w}: numReturnSequences > 1 needs doSample or numBeams ≥ numReturnSequences (greedy gives one answer)`);
    int(w, 'seed', this.seed, 0);
    for (const k of ['padTokenId', 'forcedBosTokenId'] as const) if (this[k] !== null) int(w, k, this[k], 0);
    for (const k of ['eosTokenId', 'forcedEosTokenId', 'suppressTokens'] as const) if (this[k] !== null) idList(w, k, this[k]);
    if (this.badWordsIds !== null && (!Array.isArray(this.badWordsIds) || !this.badWordsIds.every((b) => Array.isArray(b) && b.length && idList(w, 'badWordsIds', b)))) {
      throw new GenerationError(`${w}: badWordsIds must be a list of non-empty token-id lists`);
    }
    if (this.stopStrings !== null && (!Array.isArray(this.stopStrings) || !this.stopStrings.every((s) => typeof s === 'string' && s.length))) {
      throw new GenerationError(`${w}: stopStrings must be a list of non-empty strings`);
    }
    num(w, 'dryMultiplier', this.dryMultiplier, 0, Infinity);
    num(w, 'dryBase', this.dryBase, 1, Infinity);
    int(w, 'dryAllowedLength', this.dryAllowedLength, 1);
    if (!Array.isArray(this.drySequenceBreakers) || !this.drySequenceBreakers.every((s) => typeof s === 'string')) throw new GenerationError(`${w}: drySequenceBreakers must be a list of strings`);
    num(w, 'xtcProbability', this.xtcProbability, 0, 1);
    num(w, 'xtcThreshold', this.xtcThreshold, 0, 1);
    if (this.topNSigma !== null) num(w, 'topNSigma', this.topNSigma, 0, Infinity);
    if (this.mirostatTau !== null) num(w, 'mirostatTau', this.mirostatTau, 0, Infinity, { loOpen: true });
    num(w, 'mirostatEta', this.mirostatEta, 0, Infinity);
  }
}
