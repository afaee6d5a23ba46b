// Smoke test of the BUILT packages (dist/, ESM and CommonJS), as a user imports them: every backend
// that starts here runs a small forward + backward pass and must agree with the expected numbers.
// `npm test` runs it after the build (the unit tests import the sources instead).
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const expected = { y: [22, 28, 49, 64], grad: [3, 7, 11, 3, 7, 11] };

async function check(T, label) {
  const checked = [];
  for (const name of T.listBackends()) {
    let backend;
    try {
      backend = await T.initBackend(name);
    } catch (e) {
      console.log(`  ${label} ${name}: not started here (${e.code}: ${e.message.split('\n')[0].slice(0, 90)})`);
      continue;
    }
    const a = T.tensor([[1, 2, 3], [4, 5, 6]], { backend: name, requiresGrad: true });
    const b = T.tensor([[1, 2], [3, 4], [5, 6]], { backend: name });
    const y = T.matmul(a, b);
    y.sum().backward();
    assert.deepEqual(Array.from(await y.data()), expected.y, `${label} ${name}: matmul`);
    assert.deepEqual(Array.from(await a.grad.data()), expected.grad, `${label} ${name}: grad`);
    const ln = T.layerNorm(T.tensor([[1, 2, 3, 4]], { backend: name }), 4, T.ones([4], { backend: name }), T.zeros([4], { backend: name }));
    const v = Array.from(await ln.data());
    assert.ok(Math.abs(v[0] + 1.3416) < 1e-3 && Math.abs(v[3] - 1.3416) < 1e-3, `${label} ${name}: layerNorm ${v}`);
    checked.push(name + (backend.info?.simulated ? ' (simulated)' : ''));
  }
  assert.ok(checked.includes('cpu'), `${label}: cpu must always work`);
  console.log(`  ${label}: ${checked.join(', ')} ok`);
}

const backends = ['@tessera/backend-cpu', '@tessera/backend-wasm', '@tessera/backend-webgpu', '@tessera/backend-cuda'];

console.log('ESM:');
const esm = await import('@tessera/core');
for (const p of backends) await import(p);
await check(esm, 'esm');
const tok = await import('@tessera/tokenizers');
assert.equal(typeof tok.Tokenizer, 'function', 'esm: @tessera/tokenizers exports Tokenizer');

console.log('CommonJS:');
const cjs = require('@tessera/core');
for (const p of backends) require(p);
await check(cjs, 'cjs');
assert.equal(typeof require('@tessera/tokenizers').Tokenizer, 'function', 'cjs: @tessera/tokenizers exports Tokenizer');
console.log('smoke: ok');
process.exit(0);
