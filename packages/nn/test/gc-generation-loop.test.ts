/**
 * The nn README's generation loop written without tidy or dispose (as a new user would): the
 * garbage-collection backstop of core frees what each step drops, so live tensors stay bounded.
 * A child Node process with --expose-gc runs the built packages (CI builds before testing).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { COLLECT_UNTIL_STABLE, runNodeScript } from '../../../test-utils/child-node.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dist = (p: string) => `${root}packages/${p}/dist/index.js`;

const script = `
  const core = await import(${JSON.stringify(dist('core'))});
  await import(${JSON.stringify(dist('backend-cpu'))});
  const { GPT2LMHeadModel, GPT2Config } = await import(${JSON.stringify(dist('nn'))});
  await core.setBackend('cpu');
  ${COLLECT_UNTIL_STABLE}
  const model = new GPT2LMHeadModel(new GPT2Config({ n_layer: 2, n_embd: 32, n_head: 2, vocab_size: 100, n_positions: 256 })).eval();
  await collect();
  const base = core.memory().numTensors;
  const samples = [];
  for (let round = 0; round < 4; round++) {
    const cache = model.newCache({ batchSize: 1, maxLength: 64 });
    let ids = core.tensor([[1, 2, 3]], { dtype: 'int32' });
    for (let step = 0; step < 50; step++) {
      const { logits } = core.noGrad(() => model.forward({ inputIds: ids, cache }));   // as the README shows
      ids = core.argmax(logits.slice(1, -1), -1);                                        // [1, 1]
    }
    await collect();
    samples.push(core.memory().numTensors - base);
  }
  console.log(JSON.stringify({ samples, freedByGC: core.memory().numFreedByGC }));
`;

it('200 generation steps of GPT-2 without tidy keep the live tensor count bounded', () => {
  for (const p of ['core', 'backend-cpu', 'nn']) expect(existsSync(dist(p)), `${dist(p)} is missing: run \`npm run build\` first`).toBe(true);
  const { samples, freedByGC } = runNodeScript<{ samples: number[]; freedByGC: number }>(script, ['--expose-gc'], root);
  console.log(`live tensors after each 50 steps: ${samples.join(', ')}; freed by the backstop: ${freedByGC}`);
  expect(Math.max(...samples)).toBeLessThanOrEqual(samples[0]! + 2); // flat: not growing with steps
  expect(Math.max(...samples)).toBeLessThan(50); // the dropped caches and logits are gone too
  expect(freedByGC).toBeGreaterThan(200 * 10);
}, 180_000);
