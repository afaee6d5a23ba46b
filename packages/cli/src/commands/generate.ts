/**
 * `tessera generate --model <dir> --prompt …`: text from a saved model, streamed to the terminal.
 * Settings start from the folder's generation_config.json; each flag given overrides one field of
 * @tessera/sampling's GenerationConfig (HF's names in kebab-case).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { generate, GenerationConfig, GenerationError, stream, type GenerationConfigFields } from '@tessera/sampling';
import { BACKENDS, useBackend } from '../backend.js';
import { UsageError } from '../errors.js';
import { loadModel, readConfigArg } from '../model.js';
import { AutoModelForSeq2SeqLM } from '@tessera/nn';
import { int, num } from '../options.js';
import { loadTokenizer } from '../tokenizer.js';

const list = (v: string, prev?: unknown): string[] => [...(Array.isArray(prev) ? prev : []), v];
const intList = (v: string) => v.split(',').map((x) => int(0)(x.trim()));

/** flag → field; `sampling` flags act only with --do-sample (as HF, which ignores them otherwise). */
const FIELDS: { flag: string; key: keyof GenerationConfigFields; parse?: (v: string, prev?: unknown) => unknown; help: string; sampling?: boolean }[] = [
  { flag: '--max-new-tokens <n>', key: 'maxNewTokens', parse: int(0), help: 'tokens to generate (default 20, or generation_config.json)' },
  { flag: '--min-new-tokens <n>', key: 'minNewTokens', parse: int(0), help: 'no EOS before this many new tokens' },
  { flag: '--temperature <x>', key: 'temperature', parse: num(0), help: 'divide the logits by this', sampling: true },
  { flag: '--top-k <n>', key: 'topK', parse: int(0), help: 'keep the k most likely tokens (0: off; default 50 when sampling)', sampling: true },
  { flag: '--top-p <x>', key: 'topP', parse: num(0, 1), help: 'nucleus: keep the smallest set with this mass', sampling: true },
  { flag: '--min-p <x>', key: 'minP', parse: num(0, 1), help: 'drop tokens below min-p × the top probability', sampling: true },
  { flag: '--typical-p <x>', key: 'typicalP', parse: num(0, 1), help: 'locally typical sampling mass', sampling: true },
  { flag: '--epsilon-cutoff <x>', key: 'epsilonCutoff', parse: num(0, 1), help: 'drop tokens below this probability', sampling: true },
  { flag: '--eta-cutoff <x>', key: 'etaCutoff', parse: num(0, 1), help: 'eta sampling', sampling: true },
  { flag: '--top-n-sigma <x>', key: 'topNSigma', parse: num(0), help: 'keep logits ≥ max − n·σ (llama.cpp)', sampling: true },
  { flag: '--xtc-probability <x>', key: 'xtcProbability', parse: num(0, 1), help: 'XTC: chance to exclude the top choices (llama.cpp)', sampling: true },
  { flag: '--xtc-threshold <x>', key: 'xtcThreshold', parse: num(0, 1), help: 'XTC: probability that makes a top choice', sampling: true },
  { flag: '--mirostat-tau <x>', key: 'mirostatTau', parse: num(0), help: 'Mirostat v2 target surprise (bits); samples itself' },
  { flag: '--mirostat-eta <x>', key: 'mirostatEta', parse: num(0), help: 'Mirostat v2 learning rate' },
  { flag: '--repetition-penalty <x>', key: 'repetitionPenalty', parse: num(0), help: 'HF repetition penalty (> 1 discourages repeats)' },
  { flag: '--presence-penalty <x>', key: 'presencePenalty', parse: num(-2, 2), help: 'subtract from every token already present' },
  { flag: '--frequency-penalty <x>', key: 'frequencyPenalty', parse: num(-2, 2), help: 'subtract count × this' },
  { flag: '--no-repeat-ngram-size <n>', key: 'noRepeatNgramSize', parse: int(0), help: 'never repeat an n-gram' },
  { flag: '--dry-multiplier <x>', key: 'dryMultiplier', parse: num(0), help: 'DRY repetition penalty strength (llama.cpp)' },
  { flag: '--dry-base <x>', key: 'dryBase', parse: num(1), help: 'DRY exponential base' },
  { flag: '--dry-allowed-length <n>', key: 'dryAllowedLength', parse: int(1), help: 'DRY: repeats this long go unpenalised' },
  { flag: '--dry-sequence-breaker <s>', key: 'drySequenceBreakers', parse: list, help: 'DRY: a string that ends matches (repeatable)' },
  { flag: '--suppress-tokens <ids>', key: 'suppressTokens', parse: intList, help: 'comma-separated ids never generated' },
  { flag: '--eos-token-id <ids>', key: 'eosTokenId', parse: intList, help: 'comma-separated ids that end a sequence' },
  { flag: '--stop <text>', key: 'stopStrings', parse: list, help: 'stop when the text contains this (repeatable)' },
  { flag: '--seed <n>', key: 'seed', parse: int(0), help: 'seed of the sampler' },
  { flag: '--num-beams <n>', key: 'numBeams', parse: int(1), help: 'beam search with this many beams (printed at the end, not streamed)' },
  { flag: '--length-penalty <x>', key: 'lengthPenalty', parse: num(-Infinity), help: 'beam search: score = sum log p / newTokens^x' },
  { flag: '--early-stopping <mode>', key: 'earlyStopping', parse: (v: string) => (v === 'true' ? true : v === 'false' ? false : v), help: 'beam search: true, false or never' },
  { flag: '--num-return-sequences <n>', key: 'numReturnSequences', parse: int(1), help: 'answers per prompt (beam search, or sampling)' },
];

interface GenerateOpts { model: string; prompt: string; backend?: string; doSample?: boolean; cache: boolean; json?: boolean; badWords?: string[]; [k: string]: unknown }

export function generateCommand(): Command {
  const cmd = new Command('generate')
    .description('generate text from a saved model (GPT-2 / LLaMA continue the prompt; T5 answers it), streamed as it is produced')
    .requiredOption('--model <dir>', 'a folder written by savePretrained / tessera train (with tokenizer.json)')
    .requiredOption('--prompt <text>', 'the text to continue')
    .addOption(new Option('--backend <name>', 'backend (default: the best that works here)').choices(BACKENDS))
    .option('--do-sample', 'sample (default: greedy)')
    .option('--no-cache', 'recompute the whole sequence each step (no KV cache)')
    .option('--json', 'print {text, ids} as JSON at the end instead of streaming')
    .option('--bad-words <text>', 'never generate this text (repeatable; its token ids become badWordsIds)', list);
  for (const f of FIELDS) cmd.option(f.flag, f.help, f.parse as (v: string, p: unknown) => unknown);
  return cmd.action(async (o: GenerateOpts, c: Command) => { await runGenerate(o, c); });
}

async function runGenerate(o: GenerateOpts, cmd: Command): Promise<void> {
  const given = (k: string) => cmd.getOptionValueSource(k) === 'cli';
  const fields: Partial<GenerationConfigFields> = {};
  for (const f of FIELDS) {
    if (!given(f.key)) continue;
    if (f.sampling && !o.doSample) throw new UsageError(`${f.flag.split(' ')[0]} acts only when sampling: add --do-sample`);
    let v = o[f.key];
    if (f.key === 'eosTokenId' && Array.isArray(v) && v.length === 1) v = v[0];
    (fields as Record<string, unknown>)[f.key] = v;
  }
  if (o.doSample) fields.doSample = true;
  if (!existsSync(join(o.model, 'config.json'))) throw new UsageError(`--model: '${o.model}' holds no config.json (a folder written by savePretrained)`);
  const tokenizer = loadTokenizer(join(o.model, 'tokenizer.json'), '--model');
  if (o.badWords) fields.badWordsIds = o.badWords.map((w) => tokenizer.encodeIds(w, { addSpecialTokens: false }));
  if (!o.cache) fields.useCache = false;
  let config: GenerationConfig;
  try {
    config = GenerationConfig.fromPretrained(o.model);
    // as HF's from_model_config: EOS and padding ids the generation config lacks come from config.json
    const dict = readConfigArg(o.model);
    const fromModel: Partial<GenerationConfigFields> = {};
    if (config.eosTokenId === null && dict.eos_token_id !== undefined && dict.eos_token_id !== null) fromModel.eosTokenId = dict.eos_token_id as number | number[];
    if (config.padTokenId === null && typeof dict.pad_token_id === 'number') fromModel.padTokenId = dict.pad_token_id;
    config = config.with({ ...fromModel, ...fields });
  } catch (e) {
    if (e instanceof GenerationError) throw new UsageError(e.message);
    throw e;
  }
  await useBackend(o.backend);
  // T5 continues nothing: its prompt is the encoder's input, and only the decoder's text is printed
  const seq2seq = readConfigArg(o.model).model_type === 't5';
  const model = seq2seq ? (await AutoModelForSeq2SeqLM.fromPretrained(o.model)) as unknown as Awaited<ReturnType<typeof loadModel>> : await loadModel(o.model, '--model');
  model.eval();
  const echo = seq2seq ? '' : o.prompt;
  try {
    if (config.numBeams > 1 || config.numReturnSequences > 1) {
      // beam search (or several answers) cannot stream: print the finished sequences
      const out = await generate(model as never, o.prompt, config, { tokenizer });
      if (o.json) console.log(JSON.stringify(out.newTokens.map((ids, i) => ({ text: out.texts![i], ids, ...(out.sequencesScores ? { score: out.sequencesScores[i] } : {}) }))));
      else out.texts!.forEach((t, i) => console.log(`${out.texts!.length > 1 ? `[${i + 1}] ` : ''}${echo}${t}`));
      return;
    }
    const ids: number[] = [];
    if (!o.json) process.stdout.write(echo);
    for await (const e of stream(model as never, o.prompt, config, { tokenizer })) {
      ids.push(e.tokenId);
      if (!o.json) process.stdout.write(e.text);
    }
    if (o.json) console.log(JSON.stringify({ text: tokenizer.decode(ids, { skipSpecialTokens: true }), ids }));
    else process.stdout.write('\n');
  } catch (e) {
    if (e instanceof GenerationError) throw new UsageError(e.message);
    throw e;
  } finally {
    model.dispose();
  }
}
