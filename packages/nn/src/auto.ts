/**
 * AutoModel*: pick the class from config.json (`architectures`, else `model_type`). Each family
 * file registers itself here when imported (the package index imports them all).
 */
import { NnError } from './errors.js';
import { parseConfigJson, type ConfigDict } from './io/config.js';
import { nodeFs, readText } from './io/files.js';
import type { FromPretrainedOptions, PreTrainedModel } from './io/pretrained.js';

type Loadable = { fromPretrained(dir: string, opts?: FromPretrainedOptions): Promise<PreTrainedModel> };

export interface FamilyEntry {
  config: (dict: ConfigDict) => unknown;
  classes: Record<string, Loadable>;
  base?: string;
  causalLM?: string;
  maskedLM?: string;
  seq2seqLM?: string;
  sequenceClassification?: string;
}

const families = new Map<string, FamilyEntry>();

export function registerFamily(modelType: string, entry: FamilyEntry): void {
  families.set(modelType, entry);
}

export function registeredFamilies(): string[] {
  return [...families.keys()];
}

type Task = 'base' | 'causalLM' | 'maskedLM' | 'seq2seqLM' | 'sequenceClassification';

async function pick(where: string, dir: string, task: Task | null): Promise<Loadable> {
  const { path } = await nodeFs(where);
  const file = path.join(dir, 'config.json');
  const dict = parseConfigJson(await readText(file, where), file);
  const type = dict.model_type;
  const fam = typeof type === 'string' ? families.get(type) : undefined;
  if (!fam) {
    throw new NnError(`${where}: config.json model_type ${JSON.stringify(type)} is not a known family (known: ${registeredFamilies().join(', ')})`, 'ERR_CONFIG');
  }
  const arch = Array.isArray(dict.architectures) ? dict.architectures.find((a) => typeof a === 'string' && a in fam.classes) : undefined;
  const name = task === null ? (arch ?? fam.base) : fam[task];
  if (!name || !fam.classes[name]) {
    throw new NnError(`${where}: family '${type}' has no ${task ?? 'model'} class here (classes: ${Object.keys(fam.classes).join(', ')})`, 'ERR_CONFIG');
  }
  return fam.classes[name]!;
}

const auto = (where: string, task: Task | null) => ({
  async fromPretrained(dir: string, opts?: FromPretrainedOptions): Promise<PreTrainedModel> {
    return (await pick(where, dir, task)).fromPretrained(dir, opts);
  },
});

/** The base model of the family (AutoModel picks the bare encoder/decoder, as HF). */
export const AutoModel = auto('AutoModel.fromPretrained', 'base');
export const AutoModelForCausalLM = auto('AutoModelForCausalLM.fromPretrained', 'causalLM');
export const AutoModelForMaskedLM = auto('AutoModelForMaskedLM.fromPretrained', 'maskedLM');
export const AutoModelForSeq2SeqLM = auto('AutoModelForSeq2SeqLM.fromPretrained', 'seq2seqLM');
export const AutoModelForSequenceClassification = auto('AutoModelForSequenceClassification.fromPretrained', 'sequenceClassification');
/** The class named in config.json `architectures`. */
export const AutoModelFromArchitecture = auto('AutoModelFromArchitecture.fromPretrained', null);
