#!/usr/bin/env node
// Tessera benchmarks: one suite, every registered Tessera backend and every peer, one process,
// the same inputs. Usage: node benchmarks/run.mjs <suite> [--json] [--quick] [--only=a,b] [--max-run-s=N]
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import os from 'node:os';
import { PROFILES, warmUp, timedRounds, withTimeout, HangError, resultsTable, headlineLines } from './lib/harness.mjs';
import { tesseraAdapters } from './lib/tessera.mjs';
import { installNodeWebGpu } from './lib/webgpu-env.mjs';
import { reexecWithKeptMalloc } from './lib/malloc-env.mjs';

const keptMalloc = reexecWithKeptMalloc(process.argv.slice(2)); // before anything allocates

await installNodeWebGpu(); // before any backend loads: every WebGPU impl shares one adapter

const here = dirname(fileURLToPath(import.meta.url));
const modulesIn = (dir) => readdirSync(join(here, dir)).filter((f) => f.endsWith('.mjs')).sort();
const suiteNames = () => modulesIn('suites').map((f) => f.slice(0, -4));

const USAGE = `usage: node benchmarks/run.mjs <suite> [--json] [--quick] [--only=impl,impl] [--max-run-s=N]
  suites: ${suiteNames().join(', ')}
  --json        the last line printed is {"suite", "rows": [{impl, case, ms, gflops?, ...}], "skipped": [...]}
  --quick       fewer runs, tighter caps (a smoke test, not a measurement)
  --only=a,b    only these impls (e.g. tessera-cpu,tfjs-wasm)
  --os-malloc   keep glibc's default of returning freed memory to the OS (see lib/malloc-env.mjs)
  --max-run-s=N skip a case whose single run is projected to exceed N seconds (default ${PROFILES.full.maxRunMs / 1000}, quick ${PROFILES.quick.maxRunMs / 1000})`;

function parseArgs(argv) {
  const o = { suite: null, json: false, quick: false, only: null, maxRunS: null };
  for (const a of argv) {
    if (a === '--json') o.json = true;
    else if (a === '--quick') o.quick = true;
    else if (a === '--os-malloc') o.osMalloc = true;
    else if (a.startsWith('--only=')) o.only = a.slice(7).split(',').filter(Boolean);
    else if (a.startsWith('--max-run-s=')) o.maxRunS = Number(a.slice(12));
    else if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
    else if (!a.startsWith('-') && !o.suite) o.suite = a;
    else { console.error(`unknown argument: ${a}\n${USAGE}`); process.exit(2); }
  }
  if (!o.suite) { console.error(USAGE); process.exit(2); }
  if (!existsSync(join(here, 'suites', `${o.suite}.mjs`))) {
    console.error(`unknown suite: ${o.suite}\n${USAGE}`);
    process.exit(2);
  }
  return o;
}

const log = (...a) => console.error(...a); // progress on stderr; stdout is the table (and the JSON)
const firstLine = (e) => String(e?.message ?? e).split('\n')[0].slice(0, 160);

async function loadImpls(suite, only) {
  const { adapters, problems } = await tesseraAdapters();
  const peers = [];
  for (const f of modulesIn('peers')) {
    try {
      peers.push((await import(pathToFileURL(join(here, 'peers', f)).href)).default);
    } catch (e) {
      problems.push({ impl: f.slice(0, -4), reason: `adapter failed to load: ${firstLine(e)}` });
    }
  }
  const suiteOps = Object.keys(suite.ops);
  // An impl takes part when it implements at least one of the suite's ops.
  const impls = [...adapters, ...peers].filter((a) => suiteOps.some((op) => a.ops?.[op]))
    .filter((a) => !only || only.includes(a.name));
  const wanted = (name) => !only || only.some((o) => o === name || (o.startsWith('tessera') && name.startsWith('tessera')));
  for (const o of only ?? []) {
    if (!impls.some((a) => a.name === o) && !problems.some((p) => p.impl === o || (o.startsWith('tessera') && p.impl.startsWith('tessera')))) {
      problems.push({ impl: o, reason: `no such impl for suite ${suite.name}` });
    }
  }
  return { impls, problems: problems.filter((p) => wanted(p.impl)) };
}

async function main() {
  const loadAtStart = os.loadavg()[0];
  const args = parseArgs(process.argv.slice(2));
  const profile = { ...PROFILES[args.quick ? 'quick' : 'full'] };
  if (args.maxRunS) profile.maxRunMs = args.maxRunS * 1000;
  const suite = await import(pathToFileURL(join(here, 'suites', `${args.suite}.mjs`)).href);
  // A suite that is not made of per-impl ops (tokenizers) runs itself and prints its own report.
  if (typeof suite.run === 'function') return suite.run(args);
  const { impls, problems } = await loadImpls(suite, args.only);

  // setup: an impl that cannot start is listed with its reason, never dropped silently
  const ready = [];
  const info = {};
  for (const impl of impls) {
    try {
      info[impl.name] = (await impl.setup()) ?? {};
      ready.push(impl);
      log(`[${suite.name}] ${impl.name}: ready (${info[impl.name].version ?? '?'})`);
    } catch (e) {
      problems.push({ impl: impl.name, reason: `setup failed: ${firstLine(e)}` });
    }
  }

  const results = [];

  // correctness first, on small odd shapes, every element: a benchmark of a wrong result is worthless
  const wrong = {}; // impl -> op -> reason
  const hung = new Map(); // impl -> reason: a call never returned, so the impl is not called again
  for (const vc of suite.verifyCases) {
    const spec = suite.ops[vc.op];
    const inputs = spec.inputs(vc.params, 1234);
    for (const impl of ready) {
      if (!impl.ops[vc.op] || hung.has(impl.name)) continue;
      let reason = null;
      try {
        const r = await impl.ops[vc.op](vc.params, inputs);
        try {
          const check = spec.check(vc.params, inputs, await withTimeout(r.run(), profile.hangMs), Infinity);
          if (!check.ok) reason = `wrong result on ${vc.name}: ${check.detail}`;
        } finally { r.dispose(); }
      } catch (e) {
        reason = `failed on ${vc.name}: ${firstLine(e)}`;
        if (e instanceof HangError) hung.set(impl.name, reason);
      }
      if (reason) ((wrong[impl.name] ??= {})[vc.op] ??= reason);
    }
  }

  const speed = {}; // impl -> op -> {work per ms, case}
  for (const c of suite.cases) {
    const spec = suite.ops[c.op];
    const inputs = spec.inputs(c.params, 42);
    const work = spec.work(c.params);
    const rows = []; // this case's rows, in impl order
    const entries = []; // impls that get timed
    // 1. per impl: skip rules, upload inputs, first call (checked), warm-up
    for (const impl of ready) {
      const row = { impl: impl.name, case: c.name };
      rows.push(row);
      const prev = speed[impl.name]?.[c.op];
      if (!impl.ops[c.op]) row.note = `skipped: adapter has no ${c.op}`;
      else if (hung.has(impl.name)) row.note = `NOT RUN: this impl hung earlier: ${hung.get(impl.name)}`;
      else if (wrong[impl.name]?.[c.op]) row.note = `NOT TIMED: ${wrong[impl.name][c.op]}`;
      else if (prev && work / prev.rate > profile.maxRunMs) {
        row.note = `skipped: projected ${(work / prev.rate / 1000).toFixed(1)} s/run from its ${prev.case} speed > ${profile.maxRunMs / 1000} s cap (--max-run-s)`;
      }
      if (row.note) { log(`[${suite.name}] ${c.name} ${impl.name}: ${row.note}`); continue; }
      let runner;
      try {
        runner = await impl.ops[c.op](c.params, inputs);
        const { firstMs, firstOut } = await warmUp(runner, profile);
        const check = spec.check(c.params, inputs, firstOut);
        if (!check.ok) throw new Error(`wrong result: ${check.detail}`);
        entries.push({ impl, row, runner, firstMs });
      } catch (e) {
        row.note = `${/^wrong/.test(e.message) ? 'NOT TIMED' : 'failed'}: ${firstLine(e)}`;
        if (e instanceof HangError) hung.set(impl.name, `${c.name}: ${firstLine(e)}`);
        log(`[${suite.name}] ${c.name} ${impl.name}: ${row.note}`);
        runner?.dispose();
      }
    }
    // 2. timed runs, interleaved across impls
    await timedRounds(entries, profile);
    for (const e of entries) {
      e.runner.dispose();
      const { row } = e;
      if (e.error) {
        row.note = `failed: ${firstLine(e.error)}`;
        if (e.error instanceof HangError) hung.set(row.impl, `${c.name}: ${firstLine(e.error)}`);
        log(`[${suite.name}] ${c.name} ${row.impl}: ${row.note}`);
        continue;
      }
      Object.assign(row, { ms: e.ms, minMs: e.minMs, runs: e.runs });
      if (spec.flops) row.gflops = spec.flops(c.params) / (e.ms * 1e6);
      if (spec.samples) row.samplesPerSec = spec.samples(c.params) * 1000 / e.ms;
      (speed[row.impl] ??= {})[c.op] = { rate: work / e.ms, case: c.name };
      log(`[${suite.name}] ${c.name} ${row.impl}: ${e.ms.toFixed(2)} ms (median of ${e.runs}${row.gflops ? `, ${row.gflops.toFixed(1)} GFLOP/s` : ''})`);
    }
    results.push(...rows);
  }
  for (const impl of ready) {
    if (!hung.has(impl.name)) await withTimeout(Promise.resolve(impl.teardown?.()), 10000).catch(() => {});
  }

  // report
  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model?.trim() ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()}/${os.arch()}, load avg ${loadAtStart.toFixed(2)} at start${keptMalloc ? ', glibc keeps freed memory' : ''}`;
  const out = [];
  out.push(`suite ${suite.name}: ${suite.title}`);
  out.push(`${machine}; ${args.quick ? 'QUICK (smoke test, not a measurement)' : 'median after warm-up'}; "× vs X" = X's ms / this ms (> 1: faster than X)`);
  out.push('');
  out.push(resultsTable(suite, results));
  const heads = headlineLines(suite, results);
  if (heads.length) out.push('', ...heads);
  out.push('', 'impls:');
  for (const impl of ready) {
    const i = info[impl.name];
    out.push(`  ${impl.name}: ${i.version ?? ''}${i.threads != null ? `, ${i.threads} thread${i.threads === 1 ? '' : 's'}` : ''}${i.notes ? `, ${i.notes}` : ''}`);
  }
  for (const p of problems) out.push(`  ${p.impl}: NOT RUN: ${p.reason}`);
  console.log(out.join('\n'));
  if (args.json) {
    const json = {
      suite: suite.name,
      quick: args.quick,
      machine,
      rows: results.filter((r) => r.ms != null).map(({ impl, case: c, ms, minMs, runs, gflops, samplesPerSec }) =>
        ({ impl, case: c, ms: +ms.toFixed(4), minMs: +minMs.toFixed(4), runs, ...(gflops != null ? { gflops: +gflops.toFixed(3) } : {}),
          ...(samplesPerSec != null ? { [suite.samplesKey ?? 'samplesPerSec']: +samplesPerSec.toFixed(1), stepsPerSec: +(1000 / ms).toFixed(2) } : {}) })),
      skipped: [
        ...results.filter((r) => r.ms == null).map((r) => ({ impl: r.impl, case: r.case, reason: r.note })),
        ...problems.map((p) => ({ impl: p.impl, case: '*', reason: p.reason })),
      ],
    };
    console.log(JSON.stringify(json));
  }
  return results.some((r) => r.ms != null) ? 0 : 1;
}

// exit explicitly: runtimes may keep worker threads alive after their sessions are released
main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
