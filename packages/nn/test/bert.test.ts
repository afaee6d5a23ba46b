import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { manualSeed, memory, noGrad, tensor, tidy, TesseraError, type Tensor } from '@tessera/core';
import {
  BertConfig, BertForMaskedLM, BertForSequenceClassification, BertModel,
} from '../src/models/bert.js';
import { AutoModel, AutoModelForMaskedLM, AutoModelForSequenceClassification, AutoModelFromArchitecture } from '../src/auto.js';
import { readSafetensorsHeader } from '../src/safetensors/index.js';
import { adamwStep, bertFixtureDir, expectWithin, ids, readBertCases, tinyBert } from './suite/bert-fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'bert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fixtureModel = async () => (await BertForSequenceClassification.fromPretrained(bertFixtureDir)).eval();
const bits = (t: Tensor) => Buffer.from(t.dataSync().buffer.slice(0));

describe('BERT fixture (cpu)', async () => {
  const model = await fixtureModel();
  for (const c of readBertCases()) {
    it(`${c.name}: last_hidden_state, pooler_output, classifier_logits within tolerance`, () => {
      tidy(() => {
        const out = model.forward({ inputIds: ids(c.inputs.input_ids), attentionMask: ids(c.inputs.attention_mask), tokenTypeIds: ids(c.inputs.token_type_ids) });
        expectWithin(out.lastHiddenState.dataSync(), c.expected.last_hidden_state, c.stats.last_hidden_state!.max_abs, 'last_hidden_state', c.inputs.attention_mask);
        expectWithin(out.poolerOutput!.dataSync(), c.expected.pooler_output, c.stats.pooler_output!.max_abs, 'pooler_output');
        expectWithin(out.logits!.dataSync(), c.expected.classifier_logits, c.stats.classifier_logits!.max_abs, 'classifier_logits');
      });
    });
  }

  it('BertModel loads the classification checkpoint (bert. prefix stripped, head ignored) and agrees', async () => {
    const base = (await BertModel.fromPretrained(bertFixtureDir)).eval();
    expect(base.namedParameters()[0]![0]).toBe('embeddings.word_embeddings.weight');
    const c = readBertCases()[0]!;
    const input = { inputIds: ids(c.inputs.input_ids), attentionMask: ids(c.inputs.attention_mask), tokenTypeIds: ids(c.inputs.token_type_ids) };
    expect(bits(base.forward(input).poolerOutput!).equals(bits(model.forward(input).poolerOutput!))).toBe(true);
    base.dispose();
  });

  it('a forward inside tidy leaks no tensor', () => {
    const before = (memory().numTensors + memory().numFreedByGC);
    const c = readBertCases()[1]!;
    const [a, m, t] = [ids(c.inputs.input_ids), ids(c.inputs.attention_mask), ids(c.inputs.token_type_ids)];
    tidy(() => { model.forward({ inputIds: a, attentionMask: m, tokenTypeIds: t }); });
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before + 3);
  });
});

describe('BERT padding', () => {
  it('padding never changes the unpadded outputs', async () => {
    const model = await fixtureModel();
    const row = [101, 7, 300, 12, 5, 102];
    const types = [0, 0, 0, 1, 1, 1];
    const alone = model.forward({ inputIds: ids([row]), tokenTypeIds: ids([types]), attentionMask: ids([row.map(() => 1)]) });
    const pad = (fill: number, k: number) => [...row, ...Array(k).fill(fill)];
    const padded = (fill: number) => model.forward({
      inputIds: ids([pad(fill, 4), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]), tokenTypeIds: ids([[...types, 0, 0, 0, 0], Array(10).fill(0)]),
      attentionMask: ids([[...row.map(() => 1), 0, 0, 0, 0], Array(10).fill(1)]),
    });
    const p0 = padded(0), p1 = padded(999);
    // Different pad token ids: bit-identical unpadded positions, pooled output and logits.
    const firstRow = (t: Tensor) => Array.from(t.dataSync()).slice(0, 6 * 32);
    expect(firstRow(p1.lastHiddenState)).toEqual(firstRow(p0.lastHiddenState));
    expect(Array.from(p1.logits!.dataSync())).toEqual(Array.from(p0.logits!.dataSync()));
    // Against the row alone: equal up to float32 rounding of the longer reductions.
    const a = alone.lastHiddenState.dataSync(), b = firstRow(p0.lastHiddenState);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
    const la = alone.logits!.dataSync(), lb = p0.logits!.dataSync();
    for (let i = 0; i < 2; i++) expect(Math.abs(la[i]! - lb[i]!)).toBeLessThan(1e-6);
    model.dispose();
  });
});

describe('BERT training', () => {
  it('one AdamW step lowers the classification loss', () => {
    manualSeed(3);
    const model = new BertForSequenceClassification(tinyBert({ num_labels: 3 }));
    const batch = { inputIds: ids([[1, 4, 9, 2], [3, 3, 8, 0]]), attentionMask: ids([[1, 1, 1, 1], [1, 1, 1, 0]]), labels: tensor([2, 0], { dtype: 'int32' }) };
    const l0 = model.forward(batch).loss!;
    const before = l0.item();
    l0.backward();
    adamwStep(model, 3e-2);
    expect(model.forward(batch).loss!.item()).toBeLessThan(before);
  });

  it('regression (num_labels 1) trains on an MSE loss', () => {
    manualSeed(4);
    const model = new BertForSequenceClassification(tinyBert({ num_labels: 1 }));
    const batch = { inputIds: ids([[1, 4, 9], [3, 3, 8]]), labels: tensor([0.5, -1.5]) };
    const l0 = model.forward(batch).loss!;
    const before = l0.item();
    l0.backward();
    adamwStep(model, 3e-2);
    expect(model.forward(batch).loss!.item()).toBeLessThan(before);
  });

  it('gradients of a tiny config match central finite differences', () => {
    manualSeed(11);
    const model = new BertForMaskedLM(tinyBert({ hidden_size: 4, num_attention_heads: 2, intermediate_size: 6, num_hidden_layers: 1, vocab_size: 12, hidden_act: 'gelu' }));
    model.eval();
    const batch = { inputIds: ids([[1, 5, 9, 3]]), attentionMask: ids([[1, 1, 1, 0]]), tokenTypeIds: ids([[0, 0, 1, 1]]), labels: ids([[4, -100, 7, -100]]) };
    const lossValue = () => noGrad(() => model.forward(batch).loss!.item());
    model.forward(batch).loss!.backward();
    const params = Object.fromEntries(model.namedParameters());
    const names = ['bert.embeddings.word_embeddings.weight', 'bert.embeddings.position_embeddings.weight', 'bert.embeddings.token_type_embeddings.weight',
      'bert.encoder.layer.0.attention.self.query.weight', 'bert.encoder.layer.0.attention.self.key.bias', 'bert.encoder.layer.0.attention.output.LayerNorm.weight',
      'bert.encoder.layer.0.intermediate.dense.weight', 'bert.encoder.layer.0.output.dense.bias', 'cls.predictions.transform.dense.weight', 'cls.predictions.bias'];
    let checked = 0;
    for (const name of names) {
      const p = params[name]!;
      const g = p.grad!.dataSync();
      const data = Float32Array.from(p.dataSync());
      // The entry with the largest gradient (a non-trivial check), and one other.
      let k = 0;
      for (let i = 0; i < g.length; i++) if (Math.abs(g[i]!) > Math.abs(g[k]!)) k = i;
      for (const idx of [k, (k + 7) % g.length]) {
        const h = 1e-2;
        const at = (v: number) => {
          const d = Float32Array.from(data);
          d[idx] = v;
          model.loadStateDict({ [name]: tensor(d, { shape: p.shape }) }, { strict: false });
          return lossValue();
        };
        const fd = (at(data[idx]! + h) - at(data[idx]! - h)) / (2 * h);
        at(data[idx]!);
        expect(Math.abs(fd - g[idx]!), `${name}[${idx}] fd ${fd} autograd ${g[idx]}`).toBeLessThan(3e-3 + 3e-2 * Math.abs(fd));
        checked++;
      }
    }
    expect(checked).toBe(20);
  });
});

describe('BERT save / load', () => {
  it('savePretrained -> fromPretrained is bit-exact, with the fixture file byte for byte', async () => {
    const model = await fixtureModel();
    const out = join(tmp, 'cls');
    await model.savePretrained(out);
    const fixtureHeader = await readSafetensorsHeader(join(bertFixtureDir, 'model.safetensors'));
    const savedHeader = await readSafetensorsHeader(join(out, 'model.safetensors'));
    expect(savedHeader.names).toEqual(fixtureHeader.names);
    expect(readFileSync(join(out, 'model.safetensors')).equals(readFileSync(join(bertFixtureDir, 'model.safetensors')))).toBe(true);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ architectures: ['BertForSequenceClassification'], model_type: 'bert', hidden_size: 32, type_vocab_size: 16, id2label: { 0: 'LABEL_0', 1: 'LABEL_1' } });
    const back = await BertForSequenceClassification.fromPretrained(out);
    const a = model.stateDict(), b = back.stateDict();
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const k of Object.keys(a)) expect(bits(b[k]!).equals(bits(a[k]!)), k).toBe(true);
    expect(back.config.numLabels).toBe(2);
  });

  it('BertForMaskedLM saves HF names: tied decoder not stored, cls.predictions.bias once; round trip keeps the tie', async () => {
    manualSeed(5);
    const model = new BertForMaskedLM(tinyBert());
    const keys = Object.keys(model.stateDict());
    expect(keys).toContain('cls.predictions.bias');
    expect(keys.filter((k) => k.startsWith('cls.'))).toEqual([
      'cls.predictions.bias', 'cls.predictions.transform.dense.weight', 'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.LayerNorm.weight', 'cls.predictions.transform.LayerNorm.bias',
    ]);
    expect(keys.some((k) => k.includes('pooler') || k.includes('decoder'))).toBe(false);
    const out = join(tmp, 'mlm');
    await model.savePretrained(out);
    const back = await BertForMaskedLM.fromPretrained(out);
    expect(back.cls.predictions.decoder.weight).toBe(back.bert.embeddings.word_embeddings.weight);
    expect(back.cls.predictions.decoder.bias).toBe(back.cls.predictions.bias);
    const input = { inputIds: ids([[1, 2, 3]]) };
    expect(bits(back.eval().forward(input).logits!).equals(bits(model.eval().forward(input).logits!))).toBe(true);
    // A classification checkpoint has no MLM head: strict loading says which keys are missing.
    await expect(BertForMaskedLM.fromPretrained(bertFixtureDir)).rejects.toThrow(/missing keys: .*cls\.predictions\.bias.*unexpected keys: classifier/);
  });

  it('the Auto classes pick the BERT classes from config.json', async () => {
    expect(await AutoModel.fromPretrained(bertFixtureDir)).toBeInstanceOf(BertModel);
    expect(await AutoModelForSequenceClassification.fromPretrained(bertFixtureDir)).toBeInstanceOf(BertForSequenceClassification);
    expect(await AutoModelFromArchitecture.fromPretrained(bertFixtureDir)).toBeInstanceOf(BertForSequenceClassification);
    expect(await AutoModelForMaskedLM.fromPretrained(join(tmp, 'mlm'))).toBeInstanceOf(BertForMaskedLM);
  });
});

describe('BertConfig and inputs', () => {
  it('HF defaults and validated fields', () => {
    const c = new BertConfig({});
    expect([c.vocabSize, c.hiddenSize, c.numHiddenLayers, c.numAttentionHeads, c.intermediateSize, c.maxPositionEmbeddings, c.typeVocabSize, c.layerNormEps, c.hiddenAct, c.numLabels])
      .toEqual([30522, 768, 12, 12, 3072, 512, 2, 1e-12, 'gelu', 2]);
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ hidden_size: 30, num_attention_heads: 4 }, /hidden_size 30 must be a multiple of num_attention_heads 4/],
      [{ position_embedding_type: 'relative_key' }, /position_embedding_type/],
      [{ hidden_act: 'mish' }, /hidden_act/],
      [{ vocab_size: 0 }, /vocab_size/],
      [{ model_type: 'gpt2' }, /model_type/],
      [{ is_decoder: true }, /is_decoder/],
      [{ problem_type: 'multi_label_classification' }, /problem_type/],
      [{ hidden_dropout_prob: 1.5 }, /hidden_dropout_prob/],
    ];
    for (const [d, re] of bad) {
      let err: unknown;
      try { new BertConfig(d); } catch (e) { err = e; }
      expect(err, JSON.stringify(d)).toBeInstanceOf(TesseraError);
      expect((err as TesseraError).code).toBe('ERR_CONFIG');
      expect((err as Error).message).toMatch(re);
    }
  });

  it('bad inputs raise typed errors naming the input', () => {
    const model = new BertModel(tinyBert());
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ inputIds: tensor([[1, 2]]) }, /inputIds must be an int32 tensor \[batch, seq\], got float32/],
      [{ inputIds: ids([[1, 2]]), attentionMask: ids([[1, 1, 1]]) }, /attentionMask must have inputIds' shape/],
      [{ inputIds: ids([Array(17).fill(1)]) }, /exceeds max_position_embeddings 16/],
      [{ inputIds: ids([[1, 2]]), decoderInputIds: ids([[1]]) }, /unknown input 'decoderInputIds'/],
    ];
    for (const [input, re] of cases) expect(() => model.forward(input as never)).toThrow(re);
  });
});
