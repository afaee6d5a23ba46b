import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { tidy } from '@tessera/core';
import { T5ForConditionalGeneration, T5Model } from '../src/models/t5.js';
import { AutoModel, AutoModelForSeq2SeqLM, AutoModelForCausalLM } from '../src/auto.js';
import { fixtureDir, ids, readCases, readF32Safetensors } from './suite/t5-fixture.js';
import { tinyConfig } from './suite/t5.js';

const tmp = mkdtempSync(join(tmpdir(), 't5-pretrained-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fixture = fileURLToPath(fixtureDir('t5/x500'));

function headerNames(file: string): string[] {
  const buf = readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  return Object.keys(JSON.parse(buf.subarray(8, 8 + n).toString('utf8'))).filter((k) => k !== '__metadata__').sort();
}

describe('T5 fromPretrained / savePretrained', () => {
  it('loads the fixture folder and reproduces its logits argmax', async () => {
    const model = await T5ForConditionalGeneration.fromPretrained(fixture);
    expect(model.training).toBe(false);
    const c = readCases('t5/x500')[0]!;
    const am = tidy(() => Array.from(model.forward({ inputIds: ids(c.inputs.input_ids), decoderInputIds: ids(c.inputs.decoder_input_ids) }).logits!.argmax(-1).dataSync()));
    expect(am).toEqual(c.expected.logits_summary.argmax.flat());
  });

  it('round trips bit-exactly with the fixture\'s tensor names (shared.weight once when tied)', async () => {
    const model = await T5ForConditionalGeneration.fromPretrained(fixture);
    const out = join(tmp, 'x500');
    await model.savePretrained(out);
    expect(headerNames(join(out, 'model.safetensors'))).toEqual(headerNames(join(fixture, 'model.safetensors')));
    const a = readF32Safetensors(new URL(`file://${join(fixture, 'model.safetensors')}`)).data;
    const b = readF32Safetensors(new URL(`file://${join(out, 'model.safetensors')}`)).data;
    for (const k of Object.keys(a)) expect(Buffer.from(b[k]!.buffer).equals(Buffer.from(a[k]!.buffer)), k).toBe(true);
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(cfg.architectures).toEqual(['T5ForConditionalGeneration']);
    expect(cfg.d_model).toBe(32);
    expect(JSON.parse(readFileSync(join(out, 'generation_config.json'), 'utf8')).decoder_start_token_id).toBe(0);
    const again = await T5ForConditionalGeneration.fromPretrained(out);
    for (const [k, t] of again.namedParameters()) expect(Array.from(t.dataSync())).toEqual(Array.from(model.stateDict()[k]!.dataSync()));
  });

  it('an untied gated-GELU (v1.1) model saves lm_head.weight apart from shared.weight', async () => {
    const model = new T5ForConditionalGeneration(tinyConfig('gated-gelu'), { seed: 2 });
    const out = join(tmp, 'v11');
    await model.savePretrained(out);
    const names = headerNames(join(out, 'model.safetensors'));
    expect(names).toContain('lm_head.weight');
    expect(names).toContain('shared.weight');
    expect(names).toContain('decoder.block.1.layer.2.DenseReluDense.wi_1.weight');
    expect(names.filter((n) => n.includes('relative_attention_bias'))).toEqual([
      'decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', 'encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight',
    ]);
    const again = await T5ForConditionalGeneration.fromPretrained(out);
    expect(again.config.isGatedAct).toBe(true);
    expect(Array.from(again.lm_head!.weight.dataSync())).toEqual(Array.from(model.lm_head!.weight.dataSync()));
  });

  it('the Auto classes pick T5Model / T5ForConditionalGeneration from config.json', async () => {
    expect(await AutoModelForSeq2SeqLM.fromPretrained(fixture)).toBeInstanceOf(T5ForConditionalGeneration);
    const base = await AutoModel.fromPretrained(fixture);
    expect(base).toBeInstanceOf(T5Model);
    expect(base).not.toBeInstanceOf(T5ForConditionalGeneration);
    await expect(AutoModelForCausalLM.fromPretrained(fixture)).rejects.toThrow(/family 't5' has no causalLM class/);
    await expect(T5Model.fromPretrained(fixture, { device: 'x' } as never)).rejects.toThrow(/unknown option 'device'/);
  });

  it('T5Model loads the same folder without the head; unknown or mis-shaped tensors fail loudly', async () => {
    const base = await T5Model.fromPretrained(fixture);
    expect(base.namedParameters().length).toBe(110);
    const bad = join(tmp, 'bad');
    await base.savePretrained(bad);
    const cfg = JSON.parse(readFileSync(join(bad, 'config.json'), 'utf8'));
    writeFileSync(join(bad, 'config.json'), JSON.stringify({ ...cfg, d_ff: 38 }));
    await expect(T5Model.fromPretrained(bad)).rejects.toThrow(/T5Model.fromPretrained: the checkpoint does not fit the model: .*mis-shaped keys: .*DenseReluDense.wi.weight \(checkpoint \[37, 32\], model \[38, 32\]\)/);
    writeFileSync(join(bad, 'config.json'), JSON.stringify({ ...cfg, num_layers: 4 }));
    await expect(T5Model.fromPretrained(bad)).rejects.toThrow(/unexpected keys: encoder.block.4.layer.0.SelfAttention.k.weight/);
    copyFileSync(join(fixture, 'config.json'), join(bad, 'config.json'));
    // strict: false accepts missing / unexpected keys, as transformers' load with warnings
    writeFileSync(join(bad, 'config.json'), JSON.stringify({ ...cfg, num_layers: 4 }));
    expect((await T5Model.fromPretrained(bad, { strict: false })).encoder.block.length).toBe(4);
  });

  it('loads an older checkpoint that also stores the tied copies (embed_tokens, lm_head)', async () => {
    const model = await T5ForConditionalGeneration.fromPretrained(fixture);
    const dir = join(tmp, 'with-copies');
    const { saveSafetensorsFile } = await import('../src/safetensors/index.js');
    const sd = model.stateDict();
    const w = sd['shared.weight']!;
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(fixture, 'config.json'), join(dir, 'config.json'));
    await saveSafetensorsFile(join(dir, 'model.safetensors'), { ...sd, 'encoder.embed_tokens.weight': w, 'decoder.embed_tokens.weight': w, 'lm_head.weight': w });
    const again = await T5ForConditionalGeneration.fromPretrained(dir);
    expect(again.namedParameters().map(([n]) => n)).toEqual(model.namedParameters().map(([n]) => n));
    expect(Array.from(again.shared.weight.dataSync())).toEqual(Array.from(w.dataSync()));
  });
});
