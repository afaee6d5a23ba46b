#!/usr/bin/env node
// Encode throughput (MB/s of UTF-8 input) of @tessera/tokenizers and its peers on the same
// >= 5 MB corpus (Markdown under node_modules + Moby Dick). Ids are checked against the reference
// for each case before timing. Usage: node bench/tokenizers.mjs [--json] [--quick]
// Needs `npm run build` in packages/tokenizers (imports ../dist).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { loadCorpus } from './corpus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const quick = args.has('--quick');
const log = (...a) => { if (!json) console.log(...a); };

const { Tokenizer } = await import(join(here, '..', 'dist', 'index.js'));
const nm = join(here, '..', '..', '..', 'node_modules');
const fixtures = join(here, '..', 'test', 'fixtures');

const { text } = loadCorpus(quick ? 1 << 20 : 5 << 20);
const corpus = quick ? text.slice(0, 1 << 20) : text;
// chunks of about 4 KB cut at line ends: every implementation encodes the same chunks
const chunks = [];
for (let p = 0; p < corpus.length; ) {
  let e = corpus.indexOf('\n', p + 4096);
  if (e < 0) e = corpus.length; else e++;
  chunks.push(corpus.slice(p, e));
  p = e;
}
const MB = Buffer.byteLength(corpus) / 1e6;
log(`corpus: ${MB.toFixed(2)} MB in ${chunks.length} chunks`);

function time(fn, reps = quick ? 1 : 3) {
  fn(); // warm-up
  let best = Infinity;
  for (let r = 0; r < reps; r++) { const t = performance.now(); fn(); best = Math.min(best, performance.now() - t); }
  return best;
}
async function timeAsync(fn, reps = 1) {
  await fn();
  let best = Infinity;
  for (let r = 0; r < reps; r++) { const t = performance.now(); await fn(); best = Math.min(best, performance.now() - t); }
  return best;
}
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const rows = [];
function row(impl, kase, ms, ok = true) {
  rows.push({ impl, case: kase, ms: Math.round(ms * 10) / 10, mbs: Math.round((MB / (ms / 1000)) * 100) / 100, ...(ok ? {} : { idsMatch: false }) });
  log(`${kase.padEnd(10)} ${impl.padEnd(26)} ${(MB / (ms / 1000)).toFixed(2).padStart(7)} MB/s  ${ms.toFixed(0)} ms${ok ? '' : '  (ids differ!)'}`);
}

// ---- byte-level BPE: r50k and cl100k
const tiktoken = require('tiktoken');
const jsTiktoken = require('js-tiktoken');
const hfRust = require('tokenizers');
const hfJs = await import('@huggingface/tokenizers');
for (const [kase, name] of [['r50k', 'r50k_base'], ['cl100k', 'cl100k_base']]) {
  const tess = Tokenizer.fromTiktoken(join(nm, 'gpt-tokenizer', 'data', `${name}.tiktoken`), { name });
  const tk = tiktoken.get_encoding(name);
  const gt = await import(`gpt-tokenizer/encoding/${name}`);
  const jt = jsTiktoken.getEncoding(name);
  const ref = chunks.map((c) => Array.from(tk.encode(c, 'all')));
  const check = (f) => chunks.every((c, i) => same(f(c), ref[i]));
  const impls = [
    ['tessera', (c) => tess.encode(c).ids],
    ['gpt-tokenizer', (c) => gt.encode(c, { allowedSpecial: 'all' })],
    ['tiktoken', (c) => tk.encode(c, 'all')],
    ['js-tiktoken', (c) => jt.encode(c, 'all')],
  ];
  for (const [impl, f] of impls) {
    const ok = impl === 'tiktoken' || check((c) => Array.from(f(c)));
    row(impl, kase, time(() => { for (const c of chunks) f(c); }), ok);
  }
  if (kase === 'r50k') {
    const hf = hfRust.Tokenizer.fromFile(join(fixtures, 'gpt2', 'tokenizer.json'));
    const ms = await timeAsync(async () => { for (const c of chunks) await hf.encode(c); });
    row('tokenizers', kase, ms);
    const hj = new hfJs.Tokenizer(JSON.parse(readFileSync(join(fixtures, 'gpt2', 'tokenizer.json'), 'utf8')), {});
    const okJ = check((c) => hj.encode(c).ids);
    row('@huggingface/tokenizers', kase, time(() => { for (const c of chunks) hj.encode(c); }, 1), okJ);
  }
  tk.free();
}

const out = { suite: 'tokenizers', rows };
if (!json) {
  for (const k of ['r50k', 'cl100k', 'wordpiece', 'unigram']) {
    const t = rows.find((r) => r.impl === 'tessera' && r.case === k);
    if (!t) continue;
    const ratios = rows.filter((r) => r.case === k && r.impl !== 'tessera').map((r) => `${r.impl} ${(t.mbs / r.mbs).toFixed(2)}x`);
    log(`${k}: tessera vs ${ratios.join(', ')}`);
  }
}
console.log(JSON.stringify(out));
