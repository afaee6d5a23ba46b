/** The tokenizer of a run: loaded from tokenizer.json, its EOS token found, saved with the model. */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@tessera/tokenizers';
import { UsageError } from './errors.js';

const EOS_CANDIDATES = ['<|endoftext|>', '</s>', '<eos>', '<|eos|>', '[SEP]'];

export function loadTokenizer(path: string, what = '--tokenizer'): Tokenizer {
  if (!existsSync(path)) throw new UsageError(`${what}: '${path}' does not exist; train one with \`tessera train-tokenizer\``);
  try {
    return Tokenizer.fromFile(path);
  } catch (e) {
    throw new UsageError(`${what}: '${path}' cannot be loaded: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** The EOS id between documents: the config's eos_token_id, else the tokenizer's EOS-like special token. */
export function eosId(tokenizer: Tokenizer, configEos?: unknown): { id: number; token: string } {
  const vocab = tokenizer.getVocabSize(true);
  const e = Array.isArray(configEos) ? configEos[0] : configEos;
  if (typeof e === 'number' && Number.isInteger(e) && e >= 0 && e < vocab) return { id: e, token: tokenizer.idToToken(e) ?? String(e) };
  for (const t of EOS_CANDIDATES) {
    const id = tokenizer.tokenToId(t);
    if (id !== undefined) return { id, token: t };
  }
  throw new UsageError(`the tokenizer has no end-of-text token (${EOS_CANDIDATES.join(', ')}): train one with \`tessera train-tokenizer --special-tokens "<|endoftext|>"\``);
}

/** tokenizer.json and tokenizer_config.json, as a PreTrainedTokenizerFast folder expects. */
export function saveTokenizer(tokenizer: Tokenizer, dir: string, eos: string, maxLength: number): void {
  tokenizer.save(join(dir, 'tokenizer.json'));
  const cfg = { tokenizer_class: 'PreTrainedTokenizerFast', eos_token: eos, bos_token: eos, unk_token: eos, model_max_length: maxLength };
  const tmp = join(dir, `tokenizer_config.json.tmp-${process.pid}`);
  writeFileSync(tmp, `${JSON.stringify(cfg, null, 2)}\n`);
  renameSync(tmp, join(dir, 'tokenizer_config.json'));
}
