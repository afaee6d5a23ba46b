/**
 * @tessera/sampling — Hugging Face's logits processors and llama.cpp's samplers in one library,
 * seeded samplers, GenerationConfig, and generate / stream for the decoder families of @tessera/nn.
 */
export { GenerationError } from './errors.js';
export { LogitsProcessor, LogitsProcessorList } from './processor.js';
export { TemperatureLogitsWarper } from './processors/temperature.js';
export { TopKLogitsWarper } from './processors/top-k.js';
export { TopPLogitsWarper } from './processors/top-p.js';
export { MinPLogitsWarper } from './processors/min-p.js';
export { TypicalLogitsWarper } from './processors/typical.js';
export { EpsilonLogitsWarper } from './processors/epsilon.js';
export { EtaLogitsWarper } from './processors/eta.js';
export { RepetitionPenaltyLogitsProcessor } from './processors/repetition-penalty.js';
export { PresencePenaltyLogitsProcessor } from './processors/presence-penalty.js';
export { FrequencyPenaltyLogitsProcessor } from './processors/frequency-penalty.js';
export { NoRepeatNGramLogitsProcessor } from './processors/no-repeat-ngram.js';
export { NoBadWordsLogitsProcessor } from './processors/no-bad-words.js';
export { SequenceBiasLogitsProcessor } from './processors/sequence-bias.js';
export { MinNewTokensLengthLogitsProcessor } from './processors/min-new-tokens.js';
export { ForcedBOSTokenLogitsProcessor } from './processors/forced-bos.js';
export { ForcedEOSTokenLogitsProcessor } from './processors/forced-eos.js';
export { SuppressTokensLogitsProcessor } from './processors/suppress-tokens.js';
export { DRYLogitsProcessor } from './processors/dry.js';
export { XTCLogitsWarper } from './processors/xtc.js';
export { TopNSigmaLogitsWarper } from './processors/top-n-sigma.js';
export { GreedySampler, MultinomialSampler, MirostatV2Sampler, type Sampler } from './samplers.js';
export { GenerationConfig, GENERATION_DEFAULTS, type GenerationConfigFields } from './config.js';
export { buildPipeline, breakerIds } from './pipeline.js';
export {
  generate, stream, type GenerativeModel, type GenerateInputs, type GenerateOptions, type GenerateOutput, type StreamEvent,
} from './generate.js';
