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

it('tensors of the ESM and the CJS build work together in every op family (one brand check)', () => {
  const script = `
    import { createRequire } from 'node:module';
    const esm = await import(${JSON.stringify(coreEsm)});
    const require = createRequire(${JSON.stringify(cpuCjs)});
    require(${JSON.stringify(cpuCjs)});
    const cjs = require('@tessera/core');
    const e = esm.tensor([[1, 2, 3], [4, 5, 6]]), c = cjs.tensor([[1, 1, 1], [2, 2, 2]]);
    const idxE = esm.tensor([2, 0], { dtype: 'int32' }), idxC = cjs.tensor([2, 0], { dtype: 'int32' });
    const v = (t) => Array.from(t.dataSync()).map((x) => Math.round(x * 1e4) / 1e4);
    const out = {
      elementwise: [v(esm.add(e, c)), v(cjs.mul(c, e)), v(esm.where(cjs.gt(c, 1), e, c)), v(c.sub(e))],
      movement: [v(esm.cat([e, c], 0)), v(cjs.stack([e, c], 0).reshape([12])), v(esm.reshape(c, [6])), esm.permute(c, [1, 0]).shape],
      reduce: [v(esm.sum(c, 1)), v(cjs.max(e, 0)), v(esm.argmax(c, 1))],
      linalg: [v(esm.matmul(e, c.T)), v(cjs.matmul(c, e.T))],
      indexing: [v(esm.indexSelect(c, 1, idxE)), v(cjs.gather(e, 1, esm.tensor([[0], [2]], { dtype: 'int32' }))), v(esm.embedding(idxC, e.T))],
      nn: [v(esm.softmax(c, -1)), v(cjs.layerNorm(e, [3], esm.ones([3]))), v(esm.crossEntropy(c, cjs.tensor([0, 2], { dtype: 'int32' })))],
      creation: [v(esm.zerosLike(c)), v(cjs.fullLike(e, 7))],
    };
    const w = cjs.tensor([0.5, -1, 2], { requiresGrad: true });
    esm.mul(e, w).sum().backward();
    out.autograd = v(w.grad);
    out.live = esm.memory().numTensors === cjs.memory().numTensors;
    console.log(JSON.stringify(out));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!);
  expect(out.elementwise).toEqual([[2, 3, 4, 6, 7, 8], [1, 2, 3, 8, 10, 12], [1, 1, 1, 4, 5, 6], [0, -1, -2, -2, -3, -4]]);
  expect(out.movement).toEqual([[1, 2, 3, 4, 5, 6, 1, 1, 1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 1, 1, 1, 2, 2, 2], [1, 1, 1, 2, 2, 2], [3, 2]]);
  expect(out.reduce).toEqual([[3, 6], [4, 5, 6], [0, 0]]);
  expect(out.linalg).toEqual([[6, 12, 15, 30], [6, 15, 12, 30]]);
  expect(out.indexing).toEqual([[1, 1, 2, 2], [1, 6], [3, 6, 1, 4]]);
  expect(out.nn[0]).toEqual([0.3333, 0.3333, 0.3333, 0.3333, 0.3333, 0.3333]);
  expect(out.nn[1]).toEqual([-1.2247, 0, 1.2247, -1.2247, 0, 1.2247]);
  expect(out.nn[2][0]).toBeCloseTo(Math.log(3), 4);
  expect(out.creation).toEqual([[0, 0, 0, 0, 0, 0], [7, 7, 7, 7, 7, 7]]);
  expect(out.autograd).toEqual([5, 7, 9]);
  expect(out.live).toBe(true);
});

