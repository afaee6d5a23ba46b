import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memory } from '@tessera/core';
import '@tessera/backend-cpu';
import {
  AutoModel, AutoModelForCausalLM, AutoModelForMaskedLM, GPT2LMHeadModel, GPT2Model, LlamaForCausalLM, LlamaModel,
  readSafetensorsHeader,
} from '../src/index.js';
import { fixturePath } from './suite/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'tessera-nn-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const headerNames = async (file: string) => Object.keys((await readSafetensorsHeader(file)).tensors).sort();

describe.each([
  ['gpt2', GPT2LMHeadModel],
  ['llama', LlamaForCausalLM],
] as [string, typeof GPT2LMHeadModel][])('%s savePretrained / fromPretrained', (name, Cls) => {
  it('round trips bit-exactly with the fixture\'s tensor names and HF files', async () => {
    const src = fixturePath(name);
    const a = await Cls.fromPretrained(src);
    const out = join(tmp, name);
    await a.savePretrained(out);
    expect(readdirSync(out).sort()).toEqual(['config.json', 'generation_config.json', 'model.safetensors']);
    expect(await headerNames(join(out, 'model.safetensors'))).toEqual(await headerNames(join(src, 'model.safetensors')));
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    const orig = JSON.parse(readFileSync(join(src, 'config.json'), 'utf8'));
    expect(cfg.architectures).toEqual([a.className]);
    for (const k of Object.keys(orig)) expect(cfg[k], k).toEqual(orig[k]);
    const b = await Cls.fromPretrained(out);
    const sa = a.stateDict(), sb = b.stateDict();
    expect(Object.keys(sb)).toEqual(Object.keys(sa));
    for (const k of Object.keys(sa)) expect(Array.from(sb[k]!.dataSync()), k).toEqual(Array.from(sa[k]!.dataSync()));
    a.dispose(); b.dispose();
  });
});

describe('fromPretrained', () => {
  it('a base model loads from a head checkpoint (base_model_prefix) and the Auto classes pick classes', async () => {
    const g = await GPT2Model.fromPretrained(fixturePath('gpt2'));
    expect(g.namedParameters()[0]![0]).toBe('wte.weight');
    const l = await LlamaModel.fromPretrained(fixturePath('llama'));
    expect(await AutoModelForCausalLM.fromPretrained(fixturePath('gpt2'))).toBeInstanceOf(GPT2LMHeadModel);
    expect(await AutoModelForCausalLM.fromPretrained(fixturePath('llama'))).toBeInstanceOf(LlamaForCausalLM);
    expect(await AutoModel.fromPretrained(fixturePath('gpt2'))).toBeInstanceOf(GPT2Model);
    await expect(AutoModelForMaskedLM.fromPretrained(fixturePath('gpt2'))).rejects.toMatchObject({ code: 'ERR_CONFIG' });
    g.dispose(); l.dispose();
  });

  it('copies the tokenizer files of the source folder on save', async () => {
    const dir = join(tmp, 'with-tok');
    cpSync(fixturePath('gpt2'), dir, { recursive: true });
    writeFileSync(join(dir, 'tokenizer.json'), '{"version":"1.0"}');
    const m = await GPT2LMHeadModel.fromPretrained(dir);
    await m.savePretrained(join(tmp, 'with-tok-out'));
    expect(readFileSync(join(tmp, 'with-tok-out', 'tokenizer.json'), 'utf8')).toBe('{"version":"1.0"}');
    m.dispose();
  });

  it('loads as float16 / on request and frees everything on dispose', async () => {
    const before = (memory().numTensors + memory().numFreedByGC);
    const m = await GPT2LMHeadModel.fromPretrained(fixturePath('gpt2'), { dtype: 'float16' });
    expect(m.parameters().every((p) => p.dtype === 'float16')).toBe(true);
    m.dispose();
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
  });

  it('names every problem of a bad folder with a typed error and leaks nothing', async () => {
    const before = (memory().numTensors + memory().numFreedByGC);
    await expect(GPT2LMHeadModel.fromPretrained(join(tmp, 'nope'))).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    const bad = join(tmp, 'bad-config');
    cpSync(fixturePath('gpt2'), bad, { recursive: true });
    const cfg = JSON.parse(readFileSync(join(bad, 'config.json'), 'utf8'));
    writeFileSync(join(bad, 'config.json'), JSON.stringify({ ...cfg, n_head: 'four' }));
    await expect(GPT2LMHeadModel.fromPretrained(bad)).rejects.toThrow(/n_head/);
    writeFileSync(join(bad, 'config.json'), JSON.stringify({ ...cfg, n_layer: 6 }));
    await expect(GPT2LMHeadModel.fromPretrained(bad)).rejects.toThrow(/missing keys: transformer\.h\.5\./);
    writeFileSync(join(bad, 'config.json'), JSON.stringify({ ...cfg, n_embd: 64 }));
    await expect(GPT2LMHeadModel.fromPretrained(bad)).rejects.toThrow(/mis-shaped keys/);
    writeFileSync(join(bad, 'config.json'), JSON.stringify({ ...cfg, n_layer: 4 }));
    await expect(GPT2LMHeadModel.fromPretrained(bad)).rejects.toThrow(/unexpected keys: transformer\.h\.4\./);
    const loose = await GPT2LMHeadModel.fromPretrained(bad, { strict: false });
    loose.dispose();
    writeFileSync(join(bad, 'config.json'), '{ nope');
    await expect(GPT2LMHeadModel.fromPretrained(bad)).rejects.toMatchObject({ code: 'ERR_CONFIG' });
    await expect(GPT2LMHeadModel.fromPretrained(fixturePath('gpt2'), { backend: 'cpu', device: 'x' } as never)).rejects.toMatchObject({ code: 'ERR_ARGUMENT' });
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
  });
});
