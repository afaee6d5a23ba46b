import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tessera/backend-cpu';
import { GPT2LMHeadModel } from '@tessera/nn';
import { startWebGpuBackend } from '../../../test-utils/webgpu-env.js';
import { generate } from '../src/index.js';

const reason = await startWebGpuBackend('sampling');
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
