/**
 * @tessera/nn — modules, layers, attention with a KV cache, and the GPT-2 / BERT / T5 / LLaMA
 * families loaded from and saved to Hugging Face folders.
 */
export * from './safetensors/index.js';
export { NnError, ConfigError, StateDictError } from './errors.js';
export { Module } from './module.js';
export { Weights, Checkpoint, type WeightsOptions } from './weights.js';
export * from './init.js';
export { Linear, Conv1D, type LinearOptions } from './layers/linear.js';
export { Embedding } from './layers/embedding.js';
export { LayerNorm, RMSNorm } from './layers/norm.js';
export { Dropout } from './layers/dropout.js';
export { ACTIVATIONS, activation, type Activation } from './layers/activations.js';
export { GatedMLP } from './layers/feed-forward.js';
export { RotaryEmbedding, applyRotary } from './positional/rotary.js';
export { sinusoidalPositions } from './positional/sinusoidal.js';
export { positionsFromMask, positionsRange } from './positional/positions.js';
export { attend, splitHeads, mergeHeads, repeatKv, paddingMask, type AttendOptions } from './attention.js';
export { KVCache, type NewCacheOptions, type CacheShape } from './cache.js';
export { ConfigReader, parseConfigJson, fromConfigFile, closestField, type ConfigDict } from './io/config.js';
export {
  PreTrainedModel, loadPretrained, type FromPretrainedOptions, type SavePretrainedOptions, type PretrainedConfig,
} from './io/pretrained.js';
export {
  AutoModel, AutoModelForCausalLM, AutoModelForMaskedLM, AutoModelForSeq2SeqLM, AutoModelForSequenceClassification,
  AutoModelFromArchitecture, registerFamily, registeredFamilies, type FamilyEntry,
} from './auto.js';
export { type DecoderInputs, type CausalLMOutput } from './models/common.js';
export { shiftedLoss, tokenLoss, sequenceClassificationLoss } from './models/losses.js';
export {
  DecoderModel, DecoderAttention, DecoderLayer, DecoderMLP, causalLMHead, type DecoderLayout, type AttentionLayout,
  type MlpLayout, type LayerPart, type NamedDropout, type StepContext,
} from './models/decoder.js';
export { GPT2Config, GPT2Model, GPT2LMHeadModel, gpt2Layout, GPT2_FIELDS } from './models/gpt2.js';
export { T5Config, T5_FIELDS, type T5ConfigDict, type T5FeedForwardProj } from './models/t5-config.js';
export {
  T5Model, T5ForConditionalGeneration, type T5Cache, T5Attention, T5Block, T5Stack, T5DenseActDense,
  shiftRight, type T5ForwardInput, type T5Output,
} from './models/t5.js';
export {
  relativePositionBucket, relativePositionBuckets, t5PositionBias, type RelativeBucketOptions, type RelativeBucketMatrixOptions,
} from './positional/t5-relative-bias.js';
export { LlamaConfig, LlamaModel, LlamaForCausalLM, llamaLayout, LLAMA_FIELDS } from './models/llama.js';
export {
  BertConfig, BERT_FIELDS, BertModel, BertForMaskedLM, BertForSequenceClassification, BertEmbeddings, BertSelfAttention, BertAttention,
  BertLayer, BertEncoder, BertPooler, BertLMPredictionHead, type BertInput, type BertModelOutput,
} from './models/bert.js';
