/** `tessera tokenize` and `tessera train-tokenizer`: the tokenizers of @tessera/tokenizers from the shell. */
import { existsSync, readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { BpeTrainer, UnigramTrainer, WordPieceTrainer, type Tokenizer } from '@tessera/tokenizers';
import { DataError, openDataSource, readDocuments } from '@tessera/train';
import { UsageError } from '../errors.js';
import { int } from '../options.js';
import { loadTokenizer } from '../tokenizer.js';

interface TokenizeOptions { tokenizer: string; text?: string; file?: string; json?: boolean; specialTokens: boolean }

export function tokenizeCommand(): Command {
  return new Command('tokenize')
    .description('print the token ids (and tokens) of a text with a tokenizer.json')
    .requiredOption('--tokenizer <path>', 'tokenizer.json (or vocab / .model / .tiktoken files)')
    .option('--text <text>', 'the text (default: --file, else standard input)')
    .option('--file <path>', 'read the text from a file')
    .option('--no-special-tokens', 'do not add the post-processor\'s special tokens')
    .option('--json', 'print {ids, tokens} as JSON')
    .action(async (o: TokenizeOptions) => {
      if (o.text !== undefined && o.file) throw new UsageError('--text and --file exclude each other');
      if (o.file && !existsSync(o.file)) throw new UsageError(`--file: '${o.file}' does not exist`);
      const tok = loadTokenizer(o.tokenizer);
      const text = o.text ?? (o.file ? readFileSync(o.file, 'utf8') : await readStdin());
      const e = tok.encode(text, null, { addSpecialTokens: o.specialTokens });
      if (o.json) console.log(JSON.stringify({ ids: e.ids, tokens: e.tokens }));
      else {
        console.log(e.ids.join(' '));
        console.log(e.tokens.map((t) => JSON.stringify(t)).join(' '));
        console.log(`${e.ids.length} tokens`);
      }
    });
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('give the text with --text or --file (or pipe it in)');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface TrainTokenizerOptions { type: 'bpe' | 'wordpiece' | 'unigram'; vocabSize: number; data: string; textField: string; specialTokens?: string; minFrequency: number; out: string; quiet?: boolean }

export function trainTokenizerCommand(): Command {
  return new Command('train-tokenizer')
    .description('train a BPE (byte-level), WordPiece or Unigram tokenizer on your text and write tokenizer.json')
    .addOption(new Option('--type <type>', 'tokenizer model').choices(['bpe', 'wordpiece', 'unigram']).default('bpe'))
    .option('--vocab-size <n>', 'vocabulary size, special tokens included', int(1), 8000)
    .requiredOption('--data <path>', 'a text file, a folder of .txt files, or a .jsonl file')
    .option('--text-field <name>', 'JSONL: the field holding the text', 'text')
    .option('--special-tokens <list>', 'comma-separated special tokens (default: <|endoftext|> for bpe, [PAD],[UNK],[CLS],[SEP],[MASK] for wordpiece, <pad>,</s>,<unk> for unigram)')
    .option('--min-frequency <n>', 'bpe / wordpiece: least count of a merged pair', int(0), 2)
    .requiredOption('--out <file>', 'the tokenizer.json to write')
    .option('--quiet', 'no progress output')
    .action(async (o: TrainTokenizerOptions) => {
      let src;
      try {
        src = await openDataSource(o.data, { textField: o.textField });
      } catch (e) {
        if (e instanceof DataError) throw new UsageError(`--data: ${e.message}`);
        throw e;
      }
      const docs: string[] = [];
      try {
        let cur = '';
        for await (const piece of readDocuments(src)) {
          cur += piece.text;
          if (piece.docEnd) { docs.push(cur); cur = ''; }
        }
      } catch (e) {
        if (e instanceof DataError) throw new UsageError(`--data: ${e.message}`);
        throw e;
      }
      const special = o.specialTokens?.split(',').map((s) => s.trim()).filter(Boolean);
      let tok: Tokenizer;
      const common = { vocabSize: o.vocabSize, showProgress: !o.quiet };
      if (o.type === 'bpe') tok = new BpeTrainer({ ...common, minFrequency: o.minFrequency, specialTokens: special ?? ['<|endoftext|>'] }).train(docs);
      else if (o.type === 'wordpiece') tok = new WordPieceTrainer({ ...common, minFrequency: o.minFrequency, specialTokens: special ?? ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] }).train(docs);
      else tok = new UnigramTrainer({ ...common, specialTokens: special ?? ['<pad>', '</s>', '<unk>'], unkToken: '<unk>' }).train(docs);
      tok.save(o.out);
      console.log(`${o.type} tokenizer with ${tok.getVocabSize(true)} tokens written to ${o.out}`);
    });
}
