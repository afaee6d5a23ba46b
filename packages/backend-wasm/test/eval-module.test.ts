// Threads start under `node --input-type=module -e ...` (a common way to try a snippet): workers
// must not inherit --input-type, or their CommonJS source fails on `require`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dist = (p: string) => `${root}packages/${p}/dist/index.js`;

it('2-thread wasm works in a process started with --expose-gc --input-type=module -e', () => {
  for (const p of ['core', 'backend-wasm']) expect(existsSync(dist(p)), `${dist(p)} is missing: run \`npm run build\` first`).toBe(true);
  const script = `
    const core = await import(${JSON.stringify(dist('core'))});
    await import(${JSON.stringify(dist('backend-wasm'))});
    const b = await core.setBackend('wasm');
    await b.whenThreadsReady?.();
    const a = core.randn([256, 256], { seed: 1 });
    const y = core.matmul(a, a).sum();
    console.log(JSON.stringify({ threads: b.info.threads, finite: Number.isFinite(y.item()) }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!);
  expect(out.finite).toBe(true);
  expect(out.threads).toBeGreaterThanOrEqual(Math.min(2, availableParallelism())); // workers did start
});
