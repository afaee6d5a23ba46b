/**
 * `tessera eval --model <dir> --data <file>`: the loss and perplexity of a checkpoint on a corpus,
 * over every token (consecutive blocks, token-weighted mean), not a sample.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { keep, noGrad, tidy } from '@tessera/core';
import { batchTensors, DataCollatorForCausalLM } from '@tessera/objectives';
import { DataError, prepareTokens } from '@tessera/train';
import { BACKENDS, useBackend } from '../backend.js';
import { UsageError } from '../errors.js';
import { loadModel, positionsOf, readConfigArg, type Family } from '../model.js';
import { int } from '../options.js';
import { eosId, loadTokenizer } from '../tokenizer.js';

interface EvalOptions { model: string; data: string; textField: string; backend?: string; batchSize: number; blockSize?: number; json?: boolean }

export function evalCommand(): Command {
  return new Command('eval')
    .description('loss and perplexity of a model folder on a corpus (every token)')
    .requiredOption('--model <dir>', 'a folder written by savePretrained / tessera train (with tokenizer.json)')
    .requiredOption('--data <path>', 'a text file, a folder of .txt files, or a .jsonl file')
    .option('--text-field <name>', 'JSONL: the field holding the text', 'text')
    .addOption(new Option('--backend <name>', 'backend (default: the best that works here)').choices(BACKENDS))
    .option('--batch-size <n>', 'blocks per batch', int(1), 8)
    .option('--block-size <n>', 'tokens per block (default: the model\'s positions, at most 256)', int(2))
    .option('--json', 'print {loss, perplexity, tokens} as JSON')
    .action(async (o: EvalOptions) => { await runEval(o); });
}

async function runEval(o: EvalOptions): Promise<void> {
  const dict = readConfigArg(o.model);
  const tokenizer = loadTokenizer(join(o.model, 'tokenizer.json'), '--model');
  const positions = positionsOf(dict.model_type as Family, dict);
  const blockSize = o.blockSize ?? Math.min(Number.isFinite(positions) ? positions : 256, 256);
  if (Number.isFinite(positions) && blockSize > positions) throw new UsageError(`--block-size ${blockSize} exceeds the model's ${positions} positions`);
  const eos = eosId(tokenizer, dict.eos_token_id);
  await useBackend(o.backend);
  const model = await loadModel(o.model, '--model');
  model.eval();
  const cache = mkdtempSync(join(tmpdir(), 'tessera-eval-'));
  try {
    let file;
    try {
      file = await prepareTokens({ data: o.data, tokenizer, cacheDir: cache, eosTokenId: eos.id, textField: o.textField });
    } catch (e) {
      if (e instanceof DataError) throw new UsageError(`--data: ${e.message}`);
      throw e;
    }
    const collator = new DataCollatorForCausalLM({ padTokenId: eos.id });
    let nll = 0, count = 0;
    for (let s = 0; s < file.length; s += blockSize * o.batchSize) {
      const blocks: Int32Array[] = [];
      for (let b = s; b < Math.min(file.length, s + blockSize * o.batchSize); b += blockSize) {
        const n = Math.min(blockSize, file.length - b);
        if (n >= 2) blocks.push(file.read(b, n));
      }
      if (!blocks.length) continue;
      const batch = collator.collate(blocks);
      const predicted = blocks.reduce((a, b) => a + b.length - 1, 0);
      const loss = noGrad(() => tidy(() => {
        const t = batchTensors(batch);
        const padded = batch.attentionMask.includes(0);
        return keep(model.forward({ inputIds: t.inputIds, labels: t.labels, ...(padded ? { attentionMask: t.attentionMask } : {}) }).loss!);
      }));
      nll += (await loss.data())[0]! * predicted;
      count += predicted;
      loss.dispose();
    }
    file.close();
    if (!count) throw new UsageError(`--data gives fewer than 2 tokens: nothing to evaluate`);
    const loss = nll / count;
    if (o.json) console.log(JSON.stringify({ loss, perplexity: Math.exp(loss), tokens: count }));
    else console.log(`loss ${loss.toFixed(4)} nats, perplexity ${Math.exp(loss).toFixed(2)} (${count.toLocaleString('en-US')} predicted tokens, blocks of ${blockSize})`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
    model.dispose();
  }
}
