/**
 * The processors and the sampler a GenerationConfig asks for, in HF's order: penalties and
 * constraints first, then (when sampling) temperature → top-nσ → top-k → top-p → min-p → typical-p →
 * epsilon → eta → XTC; the sampler is Mirostat v2 when mirostatTau is set, multinomial when
 * doSample, else greedy.
 */
import type { Tokenizer } from '@tessera/tokenizers';
import type { GenerationConfig } from './config.js';
import { LogitsProcessor, LogitsProcessorList } from './processor.js';
import { GreedySampler, MirostatV2Sampler, MultinomialSampler, type Sampler } from './samplers.js';
import { RepetitionPenaltyLogitsProcessor } from './processors/repetition-penalty.js';
import { PresencePenaltyLogitsProcessor } from './processors/presence-penalty.js';
import { FrequencyPenaltyLogitsProcessor } from './processors/frequency-penalty.js';
import { DRYLogitsProcessor } from './processors/dry.js';
import { NoRepeatNGramLogitsProcessor } from './processors/no-repeat-ngram.js';
import { NoBadWordsLogitsProcessor } from './processors/no-bad-words.js';
import { SequenceBiasLogitsProcessor } from './processors/sequence-bias.js';
import { MinNewTokensLengthLogitsProcessor } from './processors/min-new-tokens.js';
import { ForcedBOSTokenLogitsProcessor } from './processors/forced-bos.js';
import { ForcedEOSTokenLogitsProcessor } from './processors/forced-eos.js';
import { SuppressTokensLogitsProcessor } from './processors/suppress-tokens.js';
import { TemperatureLogitsWarper } from './processors/temperature.js';
import { TopNSigmaLogitsWarper } from './processors/top-n-sigma.js';
import { TopKLogitsWarper } from './processors/top-k.js';
import { TopPLogitsWarper } from './processors/top-p.js';
import { MinPLogitsWarper } from './processors/min-p.js';
import { TypicalLogitsWarper } from './processors/typical.js';
import { EpsilonLogitsWarper } from './processors/epsilon.js';
import { EtaLogitsWarper } from './processors/eta.js';
import { XTCLogitsWarper } from './processors/xtc.js';

/** A processor that needs each row's prompt length (min new tokens, forced EOS). */
class PerRow extends LogitsProcessor {
  private readonly made = new Map<number, LogitsProcessor>();
  constructor(private readonly make: (row: number) => LogitsProcessor) {
    super();
  }

  processRow(ids: Int32Array, s: Float32Array, row: number): void {
    let p = this.made.get(row);
    if (!p) this.made.set(row, (p = this.make(row)));
    p.processRow(ids, s, row);
  }
}

/** Token ids whose text contains one of the breaker strings (llama.cpp maps DRY breakers to tokens too). */
export function breakerIds(tokenizer: Tokenizer, breakers: readonly string[]): number[] {
  if (!breakers.length) return [];
  const out: number[] = [];
  for (let id = 0; id < tokenizer.getVocabSize(true); id++) {
    const t = tokenizer.decode([id], { skipSpecialTokens: false });
    if (breakers.some((b) => t.includes(b))) out.push(id);
  }
  return out;
}

export function eosList(c: GenerationConfig): number[] {
  return c.eosTokenId === null ? [] : Array.isArray(c.eosTokenId) ? c.eosTokenId : [c.eosTokenId];
}

export function buildPipeline(c: GenerationConfig, promptLengths: number[], tokenizer?: Tokenizer): { processors: LogitsProcessorList; sampler: Sampler } {
  const list: LogitsProcessor[] = [];
  if (c.sequenceBias) list.push(new SequenceBiasLogitsProcessor({ sequenceBias: c.sequenceBias }));
  if (c.repetitionPenalty !== 1) list.push(new RepetitionPenaltyLogitsProcessor({ penalty: c.repetitionPenalty }));
  if (c.presencePenalty) list.push(new PresencePenaltyLogitsProcessor({ presencePenalty: c.presencePenalty }));
  if (c.frequencyPenalty) list.push(new FrequencyPenaltyLogitsProcessor({ frequencyPenalty: c.frequencyPenalty }));
  if (c.dryMultiplier > 0) {
    list.push(new DRYLogitsProcessor({
      multiplier: c.dryMultiplier, base: c.dryBase, allowedLength: c.dryAllowedLength,
      sequenceBreakers: tokenizer ? breakerIds(tokenizer, c.drySequenceBreakers) : [],
    }));
  }
  if (c.noRepeatNgramSize > 0) list.push(new NoRepeatNGramLogitsProcessor({ ngramSize: c.noRepeatNgramSize }));
  const eos = eosList(c);
  if (c.badWordsIds) list.push(new NoBadWordsLogitsProcessor({ badWordsIds: c.badWordsIds, eosTokenId: eos }));
  if (c.minNewTokens > 0 && eos.length) {
    list.push(new PerRow((r) => new MinNewTokensLengthLogitsProcessor({ promptLengthToSkip: promptLengths[r]!, minNewTokens: c.minNewTokens, eosTokenId: eos })));
  }
  if (c.forcedBosTokenId !== null) list.push(new ForcedBOSTokenLogitsProcessor({ bosTokenId: c.forcedBosTokenId }));
  if (c.forcedEosTokenId !== null) {
    const forced = c.forcedEosTokenId;
    list.push(new PerRow((r) => new ForcedEOSTokenLogitsProcessor({ maxLength: promptLengths[r]! + c.maxNewTokens, eosTokenId: forced })));
  }
  if (c.suppressTokens) list.push(new SuppressTokensLogitsProcessor({ suppressTokens: c.suppressTokens }));
  const sampling = c.doSample || c.mirostatTau !== null;
  if (sampling) {
    if (c.temperature !== 1) list.push(new TemperatureLogitsWarper({ temperature: c.temperature }));
    if (c.topNSigma !== null) list.push(new TopNSigmaLogitsWarper({ n: c.topNSigma }));
    if (c.topK > 0) list.push(new TopKLogitsWarper({ topK: c.topK }));
    if (c.topP < 1) list.push(new TopPLogitsWarper({ topP: c.topP }));
    if (c.minP !== null) list.push(new MinPLogitsWarper({ minP: c.minP }));
    if (c.typicalP < 1) list.push(new TypicalLogitsWarper({ mass: c.typicalP }));
    if (c.epsilonCutoff > 0) list.push(new EpsilonLogitsWarper({ epsilon: c.epsilonCutoff }));
    if (c.etaCutoff > 0) list.push(new EtaLogitsWarper({ epsilon: c.etaCutoff }));
    if (c.xtcProbability > 0) list.push(new XTCLogitsWarper({ probability: c.xtcProbability, threshold: c.xtcThreshold, seed: c.seed }));
  }
  const sampler: Sampler = c.mirostatTau !== null ? new MirostatV2Sampler({ tau: c.mirostatTau, eta: c.mirostatEta, seed: c.seed })
    : c.doSample ? new MultinomialSampler({ seed: c.seed }) : new GreedySampler();
  return { processors: new LogitsProcessorList(list), sampler };
}
