// Suite `tokenizers`: encode throughput (MB/s of UTF-8 input) of @tessera/tokenizers and its peers
// (gpt-tokenizer, tiktoken, js-tiktoken, tokenizers (HF Rust), @huggingface/tokenizers,
// bert-tokenizer, @sctg/sentencepiece-js). The work is done by the package's own benchmark,
// packages/tokenizers/bench/tokenizers.mjs (corpus, chunks, id checks against the reference, timing),
// run as a child process; this module re-emits its table and its JSON line. Not an `ops` suite:
// run.mjs hands it the arguments through `run()`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'tokenizers';
export const title = 'tokenizer encode MB/s (packages/tokenizers/bench/tokenizers.mjs; ids checked against the reference before timing)';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = join(root, 'packages', 'tokenizers', 'bench', 'tokenizers.mjs');

/** @returns {Promise<number>} exit code */
export async function run({ json, quick, only }) {
  if (!existsSync(join(root, 'packages', 'tokenizers', 'dist', 'index.js'))) {
    console.error('tokenizers: packages/tokenizers/dist is missing (run `npm run build` from the repo root)');
    return 1;
  }
  if (only) console.error('tokenizers: --only is ignored by this suite (every impl runs)');
  // The child prints its table and, as its last line, {"suite":"tokenizers","rows":[...]}.
  const child = spawn(process.execPath, [script, ...(quick ? ['--quick'] : [])], {
    cwd: dirname(script), stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => child.on('close', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
  const lines = out.trimEnd().split('\n');
  let result = null;
  try { result = JSON.parse(lines[lines.length - 1]); } catch { /* reported below */ }
  const table = result ? lines.slice(0, -1) : lines;
  console.log([`suite ${name}: ${title}`, quick ? 'QUICK (1 MB corpus slice, 1 timed rep: a smoke test, not a measurement)' : 'best of 3 reps after a warm-up (HF / bert-tokenizer / @huggingface/tokenizers: 1 rep)', '', ...table].join('\n'));
  if (!result || code !== 0) {
    console.error(`tokenizers: ${script} exited with ${code}${result ? '' : ' and printed no JSON line'}`);
    return code || 1;
  }
  if (json) console.log(JSON.stringify({ suite: name, quick, rows: result.rows }));
  return result.rows.length ? 0 : 1;
}
