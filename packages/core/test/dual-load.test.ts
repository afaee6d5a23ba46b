/**
 * The dual package hazard: ESM core in one place, a backend required as CommonJS in another (a CJS
 * dependency, a test runner). Both copies must share one registry, memory accounting and RNG.
 * Runs the built packages in a child Node process (CI builds before testing).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const coreEsm = `${root}packages/core/dist/index.js`;
const cpuCjs = `${root}packages/backend-cpu/dist/index.cjs`;

it('ESM core sees the backend registered through the CJS build and counts its tensors', () => {
  for (const f of [coreEsm, cpuCjs]) expect(existsSync(f), `${f} is missing: run \`npm run build\` first`).toBe(true);
  const script = `
    import { createRequire } from 'node:module';
    const core = await import(${JSON.stringify(coreEsm)});
    const require = createRequire(${JSON.stringify(cpuCjs)});
    require(${JSON.stringify(cpuCjs)});            // registers 'cpu' through the CJS copy of core
    const cjsCore = require('@tessera/core');
    if (cjsCore === core) throw new Error('expected two copies of core');
    const t = core.tensor([1, 2, 3]).mul(2);
    const u = cjsCore.tensor([1, 1, 1]);
    const out = {
      backends: core.listBackends(), backend: t.backend, values: Array.from(t.dataSync()),
      crossIsTensor: core.isTensor(u), live: core.memory().numTensors, liveCjs: cjsCore.memory().numTensors,
    };
    core.manualSeed(5); const a = Array.from(core.rand([3]).dataSync());
    cjsCore.manualSeed(5); const b = Array.from(core.rand([3]).dataSync());
    out.sameRng = JSON.stringify(a) === JSON.stringify(b);
    console.log(JSON.stringify(out));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!);
  expect(out.backends).toContain('cpu');
  expect(out.backend).toBe('cpu');
  expect(out.values).toEqual([2, 4, 6]);
  expect(out.crossIsTensor).toBe(true);
  expect(out.live).toBe(out.liveCjs);
  expect(out.live).toBeGreaterThanOrEqual(3);
  expect(out.sameRng).toBe(true);
});
