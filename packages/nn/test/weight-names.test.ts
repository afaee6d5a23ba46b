// One source of weight names: for every family, the checkpoint key a tensor is loaded from is the
// stateDict key it is saved under (HF's files round-trip key for key, less the keys HF itself drops).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { AutoModelFromArchitecture, readSafetensorsHeader } from '../src/index.js';
import { fixturePath } from './suite/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'tessera-names-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Keys HF's own save drops as well: GPT-2's causal-mask buffers, LLaMA's rotary inv_freq, tied heads. */
const NOT_SAVED = [/\.attn\.(masked_)?bias$/, /\.rotary_emb\.inv_freq$/];

it.each(['gpt2', 'llama', 'bert', 't5'])('%s: stateDict keys = the loaded checkpoint keys; save writes them back', async (family) => {
  const dir = fixturePath(family);
  const model = await AutoModelFromArchitecture.fromPretrained(dir);
  const fileKeys = (await readSafetensorsHeader(join(dir, 'model.safetensors'))).names.filter((k) => !NOT_SAVED.some((r) => r.test(k)));
  const out = join(tmp, family);
  await model.savePretrained(out);
  const savedKeys = (await readSafetensorsHeader(join(out, 'model.safetensors'))).names;
  // A tied tensor is saved once, under its first name; the file may hold the other name (HF writes either).
  const tiedCopies = fileKeys.filter((k) => !savedKeys.includes(k));
  for (const k of tiedCopies) expect(k, `${k} is neither saved nor a tied copy`).toMatch(/(^|\.)(lm_head|decoder)\.weight$|shared\.weight$|embed_tokens\.weight$/);
  expect(savedKeys.filter((k) => !fileKeys.includes(k))).toEqual([]);
  expect(Object.keys(model.stateDict()).sort()).toEqual([...savedKeys].sort());
  model.dispose();
});
