import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tessera/backend-cpu';
import { setBackend } from '@tessera/core';
import { GPT2LMHeadModel } from '@tessera/nn';
import { prepareWebGpuEnv, SWIFTSHADER_ICD } from '../../../test-utils/webgpu-env.js';
import { generate } from '../src/index.js';

/** null when the 'webgpu' backend started, else why not (CI requires it: TESSERA_REQUIRE_WEBGPU=1). */
async function startWebGpu(): Promise<string | null> {
  prepareWebGpuEnv();
  try {
    await import('@tessera/backend-webgpu');
    await setBackend('webgpu');
    return null;
  } catch (e) {
    const reason = `no WebGPU adapter (${(e as Error).message.split('\n')[0]}); install chromium + libvulkan1 and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`;
    if (process.env.TESSERA_REQUIRE_WEBGPU === '1') throw new Error(`TESSERA_REQUIRE_WEBGPU=1 but ${reason}`);
    console.warn(`[sampling webgpu] skipping: ${reason}`);
    return reason;
  } finally {
    await setBackend('cpu');
  }
}

const reason = await startWebGpu();
const dir = fileURLToPath(new URL('./fixtures/gpt2', import.meta.url));
const cases = (JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { cases: { name: string; inputs: { input_ids: number[][]; attention_mask: number[][] }; expected: { greedy_new_tokens: number[][] } }[] }).cases;

describe.skipIf(reason !== null)(`generate on webgpu${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('greedy (with the cache) gives the reference tokens, and seeded sampling the same tokens as cpu', async () => {
    const c = cases.find((x) => x.name === 'batch2_left_pad')!;
    const inputs = { inputIds: c.inputs.input_ids, attentionMask: c.inputs.attention_mask };
    const cpu = await GPT2LMHeadModel.fromPretrained(dir, { backend: 'cpu' });
    const gpu = await GPT2LMHeadModel.fromPretrained(dir, { backend: 'webgpu' });
    expect((await generate(gpu, inputs, { maxNewTokens: 8 })).newTokens).toEqual(c.expected.greedy_new_tokens);
    const cfg = { maxNewTokens: 8, doSample: true, temperature: 1.5, topK: 0, seed: 5 };
    expect((await generate(gpu, inputs, cfg)).newTokens).toEqual((await generate(cpu, inputs, cfg)).newTokens);
    cpu.dispose();
    gpu.dispose();
  }, 300_000);
});
