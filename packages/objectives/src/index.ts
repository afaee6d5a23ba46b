/**
 * @tessera/objectives — training objectives as collators over token ids (HF conventions). CLM
 * here; MLM, span corruption and seq2seq arrive one file each.
 */
export { ObjectiveError } from './errors.js';
export { SeededRandom, type RandomState } from './random.js';
export {
  IGNORE_INDEX, groupTexts, DataCollatorForCausalLM, clmBatches, batchTensors,
  type LMBatch, type GroupTextsOptions, type CausalLMCollatorOptions, type ClmBatchesOptions,
} from './clm.js';
