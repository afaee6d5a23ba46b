// Suite `load`: peak memory of `fromPretrained` on a GPT-2-small checkpoint (124M parameters, random
// weights, saved once as model.safetensors, ≈ 475 MiB): a fresh Node process per case loads it with
// `GPT2LMHeadModel.fromPretrained(dir, { backend, dtype })` and reports its peak RSS (maxRSS), next to
// the same process's RSS before loading. Backs issue #32's goal: peak RSS ≤ 1.2× the file size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const name = 'load';
export const title = 'fromPretrained of a GPT-2-small checkpoint (124M parameters, float32 file): peak RSS of a fresh process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => pathToFileURL(join(root, 'packages', p, 'dist', 'index.js')).href;
const MiB = 2 ** 20;

const save = (dir) => `
  await import(${JSON.stringify(dist('backend-cpu'))});
  const { GPT2Config, GPT2LMHeadModel } = await import(${JSON.stringify(dist('nn'))});
  const m = new GPT2LMHeadModel(new GPT2Config({}));
  await m.savePretrained(${JSON.stringify(dir)});
`;

const load = (dir, backend, dtype) => `
  await import(${JSON.stringify(dist(`backend-${backend}`))});
  const core = await import(${JSON.stringify(dist('core'))});
  const { GPT2LMHeadModel } = await import(${JSON.stringify(dist('nn'))});
  await core.setBackend(${JSON.stringify(backend)});
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const m = await GPT2LMHeadModel.fromPretrained(${JSON.stringify(dir)}, { backend: ${JSON.stringify(backend)}${dtype ? `, dtype: ${JSON.stringify(dtype)}` : ''} });
  const ms = performance.now() - t0;
  const bytes = core.memory().numBytes;
  console.log(JSON.stringify({ before, peak: process.resourceUsage().maxRSS * 1024, ms, tensorBytes: bytes, params: m.numParameters() }));
`;

function node(script, what) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${what}: exited with ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() || 'null');
}

export async function run({ json, quick }) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-load-'));
  try {
    console.error('load: saving a GPT-2-small checkpoint...');
    node(`${save(dir)}\nconsole.log('null');`, 'save');
    const file = statSync(join(dir, 'model.safetensors')).size;
    const cases = [['cpu', undefined], ['wasm', undefined], ['cpu', 'float16'], ...(quick ? [] : [['wasm', 'float16']])];
    const rows = [];
    for (const [backend, dtype] of cases) {
      const r = node(load(dir, backend, dtype), `tessera-${backend} ${dtype ?? 'float32'}`);
      rows.push({
        impl: `tessera-${backend}`, case: `fromPretrained-${dtype ?? 'float32'}`, ms: +r.ms.toFixed(1),
        fileMiB: +(file / MiB).toFixed(1), tensorMiB: +(r.tensorBytes / MiB).toFixed(1), rssBeforeMiB: +(r.before / MiB).toFixed(1),
        peakRssMiB: +(r.peak / MiB).toFixed(1), peakOverFile: +(r.peak / file).toFixed(3), peakOverTensors: +(r.peak / r.tensorBytes).toFixed(3),
      });
    }
    const head = ['impl', 'case', 'load ms', 'file MiB', 'tensors MiB', 'RSS before', 'peak RSS MiB', 'peak / file', 'peak / tensors'];
    const table = [head, ...rows.map((r) => [r.impl, r.case, r.ms.toFixed(0), r.fileMiB, r.tensorMiB, r.rssBeforeMiB, r.peakRssMiB, `${r.peakOverFile}×`, `${r.peakOverTensors}×`].map(String))];
    const w = head.map((_, i) => Math.max(...table.map((row) => row[i].length)));
    console.log([`suite ${name}: ${title}`, '', ...table.map((row) => row.map((c, i) => c.padEnd(w[i])).join('  '))].join('\n'));
    console.log(`goal: peak RSS ≤ 1.2× the file (float32 load): ${rows.filter((r) => r.case === 'fromPretrained-float32').map((r) => `${r.impl} ${r.peakOverFile}× ${r.peakOverFile <= 1.2 ? 'met' : 'NOT met'}`).join(', ')}`);
    if (json) console.log(JSON.stringify({ suite: name, quick, rows }));
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
