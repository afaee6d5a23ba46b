// What a new user hit (issue: nn second pass), each now a typed error naming the argument or field,
// or the behaviour a PyTorch / HF user expects — the same for every family.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memory, noGrad, tensor, tidy } from '@tessera/core';
import '@tessera/backend-cpu';
import {
  BertConfig, BertModel, GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, T5Config, T5ForConditionalGeneration,
} from '../src/index.js';
import { fixturePath } from './suite/fixtures.js';
import { tinyGpt2, tinyLlama } from './suite/families.js';
import { tinyBert } from './suite/bert-fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'tessera-new-user-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const typed = (code: string, message: RegExp) => expect.objectContaining({ code, message: expect.stringMatching(message) });
const ids = (rows: number[][]) => tensor(rows, { dtype: 'int32' });
const undisposed = () => memory().numTensors + memory().numFreedByGC;

const tinyT5 = () => new T5ForConditionalGeneration({
  vocab_size: 20, d_model: 8, d_kv: 4, d_ff: 12, num_layers: 1, num_heads: 2, relative_attention_num_buckets: 8,
  relative_attention_max_distance: 16, dropout_rate: 0,
}, { seed: 1 });

describe('configs built in code refuse unknown fields, naming the closest one', () => {
  it.each([
    ['GPT2Config camelCase', () => new GPT2Config({ nLayer: 2 }), /unknown config field 'nLayer'; did you mean 'n_layer'/],
    ['GPT2Config typo', () => new GPT2Config({ n_layr: 2 }), /unknown config field 'n_layr'; did you mean 'n_layer'/],
    ['LlamaConfig typo', () => new LlamaConfig({ num_hidden_layer: 2 }), /did you mean 'num_hidden_layers'/],
    ['BertConfig typo', () => new BertConfig({ hidden_sizes: 8 }), /did you mean 'hidden_size'/],
    ['T5Config typo', () => new T5Config({ d_models: 8 } as never), /did you mean 'd_model'/],
  ])('%s', (_name, make, message) => expect(make).toThrow(typed('ERR_CONFIG', message)));

  it('a config.json keeps the fields the family does not read, as HF does, and saves them back', async () => {
    const m = await GPT2LMHeadModel.fromPretrained(fixturePath('gpt2'));
    const raw = JSON.parse(readFileSync(join(fixturePath('gpt2'), 'config.json'), 'utf8')) as Record<string, unknown>;
    const dir = join(tmp, 'kept');
    await m.savePretrained(dir);
    const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    for (const k of Object.keys(raw)) if (k !== 'torch_dtype' && k !== 'architectures') expect(saved, k).toHaveProperty(k);
    m.dispose();
  });

  it('a model built from a plain config dict equals one built from the config class', () => {
    const dict = { vocab_size: 30, n_positions: 16, n_embd: 8, n_layer: 1, n_head: 2 };
    expect(new GPT2LMHeadModel(dict).config.nLayer).toBe(1);
    expect(new LlamaForCausalLM({ vocab_size: 30, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 1, num_attention_heads: 2 }).config.numHiddenLayers).toBe(1);
    expect(() => new GPT2LMHeadModel({ nEmbd: 8 })).toThrow(typed('ERR_CONFIG', /did you mean 'n_embd'/));
  });

  it("T5 checks model_type: a GPT-2 folder is refused by name, not by 8 KB of missing keys", async () => {
    await expect(T5ForConditionalGeneration.fromPretrained(fixturePath('gpt2'))).rejects.toMatchObject(typed('ERR_CONFIG', /model_type' must be "t5", got "gpt2"/));
  });
});

describe('inputs: ids outside the vocabulary and masks other than 0/1, in every family', () => {
  const families: [string, (i: { inputIds: ReturnType<typeof ids>; attentionMask?: ReturnType<typeof ids> }) => unknown][] = [];
  const gpt2 = tinyGpt2().eval(), llama = tinyLlama().eval();
  const bert = new BertModel(tinyBert()).eval();
  const t5 = tinyT5().eval();
  families.push(['GPT2Model.forward', (i) => gpt2.forward(i)]);
  families.push(['LlamaModel.forward', (i) => llama.forward(i)]);
  families.push(['BertModel.forward', (i) => bert.forward(i)]);
  families.push(['T5Stack(encoder).forward', (i) => t5.forward({ ...i, decoderInputIds: ids([[0]]) })]);

  it.each(families)('%s', (where, forward) => {
    const esc = where.replace(/[.()]/g, '\\$&');
    noGrad(() => {
      expect(() => forward({ inputIds: ids([[1, 2, 99]]) })).toThrow(typed('ERR_INDEX', new RegExp(`^${esc}: inputIds holds 99 at \\[0, 2\\], outside the vocabulary \\(vocab_size \\d+\\)`)));
      expect(() => forward({ inputIds: ids([[1, -1, 2]]) })).toThrow(typed('ERR_INDEX', /inputIds holds -1 at \[0, 1\]/));
      const maskWhere = where.startsWith('T5') ? 'T5Stack.forward' : where;
      for (const bad of [2, -1]) {
        expect(() => forward({ inputIds: ids([[1, 2, 3]]), attentionMask: ids([[1, bad, 1]]) }))
          .toThrow(typed('ERR_ARGUMENT', new RegExp(`^${maskWhere.replace(/[.()]/g, '\\$&')}: attentionMask holds ${bad} at \\[0, 1\\]; it must hold only 1 \\(attend\\) and 0 \\(padding\\)`)));
      }
    });
  });
});

describe('modules', () => {
  it('dispose() frees gradients too', () => {
    const before = undisposed();
    const m = tinyGpt2().train();
    tidy(() => m.forward({ inputIds: ids([[1, 2, 3, 4]]), labels: ids([[1, 2, 3, 4]]) }).loss!.backward()); // grads outlive the tidy
    expect(m.parameters().every((p) => p.grad !== null)).toBe(true);
    m.dispose();
    expect(undisposed()).toBe(before);
  });

  it("to(): an integer dtype or an unknown name is a typed error (with the dtype meant)", () => {
    const m = tinyLlama();
    expect(() => m.to('int8')).toThrow(typed('ERR_DTYPE', /'int8' is not a float dtype/));
    expect(() => m.to('fp16')).toThrow(typed('ERR_ARGUMENT', /'fp16' is neither a float dtype .* nor a registered backend .*did you mean 'float16'\?/));
    expect(m.to('bfloat16').parameters()[0]!.dtype).toBe('bfloat16');
    m.dispose();
  });

  it('a float16 model saves torch_dtype "float16"', async () => {
    const m = tinyGpt2().to('float16');
    const dir = join(tmp, 'f16');
    await m.savePretrained(dir);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).torch_dtype).toBe('float16');
    const back = await GPT2LMHeadModel.fromPretrained(dir);
    expect(back.parameters()[0]!.dtype).toBe('float16');
    m.dispose();
    back.dispose();
  });
});

describe('ignoreMismatchedSizes (a 2-label classifier checkpoint into a 3-label head)', () => {
  it('fromPretrained keeps fresh weights for mis-shaped keys, loads the rest, and errs without the flag', async () => {
    const { BertForSequenceClassification } = await import('../src/index.js');
    const two = new BertForSequenceClassification(tinyBert({ num_labels: 2 }));
    const dir = join(tmp, 'two-labels');
    await two.savePretrained(dir);
    await expect(BertForSequenceClassification.fromPretrained(dir, { config: { num_labels: 3 } }))
      .rejects.toMatchObject(typed('ERR_STATE_DICT', /mis-shaped keys: classifier\.weight .*ignoreMismatchedSizes/));
    const three = await BertForSequenceClassification.fromPretrained(dir, { config: { num_labels: 3 }, ignoreMismatchedSizes: true });
    expect(three.config.numLabels).toBe(3);
    const [a, b] = [two.stateDict(), three.stateDict()];
    expect(b['classifier.weight']!.shape).toEqual([3, 8]);
    expect(Array.from(b['bert.embeddings.word_embeddings.weight']!.dataSync())).toEqual(Array.from(a['bert.embeddings.word_embeddings.weight']!.dataSync()));
    const again = new BertForSequenceClassification(tinyBert({ num_labels: 3 }));
    expect(() => again.loadStateDict(a)).toThrow(typed('ERR_STATE_DICT', /mis-shaped keys: classifier\.weight/));
    const r = again.loadStateDict(a, { ignoreMismatchedSizes: true });
    expect(r.mismatchedKeys.sort()).toEqual(['classifier.bias', 'classifier.weight']);
    expect(Array.from(again.stateDict()['bert.pooler.dense.weight']!.dataSync())).toEqual(Array.from(a['bert.pooler.dense.weight']!.dataSync()));
    for (const m of [two, three, again]) m.dispose();
  });
});

it('a head resized through config: { num_labels } saves and reloads with its new size', async () => {
  const { BertForSequenceClassification } = await import('../src/index.js');
  const dir2 = join(tmp, 'two-labels-b');
  const two = new BertForSequenceClassification(tinyBert({ num_labels: 2 }));
  await two.savePretrained(dir2);
  const three = await BertForSequenceClassification.fromPretrained(dir2, { config: { num_labels: 3 }, ignoreMismatchedSizes: true });
  const dir3 = join(tmp, 'three-labels');
  await three.savePretrained(dir3);
  const back = await BertForSequenceClassification.fromPretrained(dir3);
  expect(back.config.numLabels).toBe(3);
  expect(Object.keys(JSON.parse(readFileSync(join(dir3, 'config.json'), 'utf8')).id2label)).toHaveLength(3);
  for (const m of [two, three, back]) m.dispose();
});

describe('one fromPretrained and one constructor convention for every family', () => {
  const families = async () => {
    const nn = await import('../src/index.js');
    return [
      ['gpt2', nn.GPT2Model], ['gpt2', nn.GPT2LMHeadModel], ['llama', nn.LlamaModel], ['llama', nn.LlamaForCausalLM],
      ['bert', nn.BertModel], ['bert', nn.BertForSequenceClassification], ['t5', nn.T5Model], ['t5', nn.T5ForConditionalGeneration],
    ] as [string, typeof nn.GPT2Model][];
  };

  it('the shared fromPretrained returns eval mode and refuses another family\'s folder by model_type', async () => {
    const { PreTrainedModel } = await import('../src/index.js');
    for (const [family, Cls] of await families()) {
      expect(Cls.fromPretrained, Cls.name).toBe(PreTrainedModel.fromPretrained);
      const m = await Cls.fromPretrained(fixturePath(family));
      expect(m.namedModules().every(([, mod]) => !mod.training), `${Cls.name} in eval mode`).toBe(true);
      m.dispose();
      const other = family === 'gpt2' ? 'llama' : 'gpt2';
      await expect(Cls.fromPretrained(fixturePath(other)), `${Cls.name} on a ${other} folder`).rejects.toMatchObject(typed('ERR_CONFIG', /model_type/));
    }
  });

  it('new Family(configDict, { seed }) builds the same weights twice', async () => {
    const dicts: Record<string, Record<string, unknown>> = {
      gpt2: { vocab_size: 30, n_positions: 16, n_embd: 8, n_layer: 1, n_head: 2 },
      llama: { vocab_size: 30, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 1, num_attention_heads: 2 },
      bert: tinyBert(),
      t5: { vocab_size: 20, d_model: 8, d_kv: 4, d_ff: 12, num_layers: 1, num_heads: 2, relative_attention_num_buckets: 8, relative_attention_max_distance: 16 },
    };
    for (const [family, Cls] of await families()) {
      const [a, b] = [new Cls(dicts[family]!, { seed: 5 }), new Cls(dicts[family]!, { seed: 5 })];
      const [sa, sb] = [a.stateDict(), b.stateDict()];
      for (const k of Object.keys(sa)) expect(Array.from(sb[k]!.dataSync()), `${Cls.name} ${k}`).toEqual(Array.from(sa[k]!.dataSync()));
      a.dispose();
      b.dispose();
    }
  });
});

it('a config.json missing n_embd: the error names the field and stays short', async () => {
  const { cpSync, writeFileSync: write } = await import('node:fs');
  const dir = join(tmp, 'no-n-embd');
  cpSync(fixturePath('gpt2'), dir, { recursive: true });
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  delete cfg.n_embd;
  write(join(dir, 'config.json'), JSON.stringify(cfg));
  const err = await GPT2LMHeadModel.fromPretrained(dir).then(() => null, (e: Error) => e);
  expect(err).toMatchObject({ code: 'ERR_STATE_DICT' });
  expect(err!.message).toMatch(/The model has 768 where the checkpoint has \d+: check config\.json's 'n_embd'/);
  expect(err!.message.length).toBeLessThan(1200);
});
