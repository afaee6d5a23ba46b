// Declarative configs: every field in a family's table is read, checked (a bad value names the
// field), defaulted and written back from that one description.
import { describe, expect, it } from 'vitest';
import {
  BERT_FIELDS, BertConfig, GPT2_FIELDS, GPT2Config, LLAMA_FIELDS, LlamaConfig, T5_FIELDS, T5Config, type ConfigDict,
} from '../src/index.js';
import { camel, type ConfigSchema } from '../src/io/config-schema.js';

const bad: Record<string, unknown[]> = {
  int: [1.5, 'x', -3], optInt: [-1, 2.5, 'x'], num: ['x', NaN, -1e9], bool: ['yes', 1], oneOf: ['bogus', 3], tokenIds: [-1, 'x', [], [1, -2]],
  unsupported: [{ type: 'linear' }],
};

describe.each([
  ['GPT2Config', GPT2_FIELDS as ConfigSchema, (d: ConfigDict) => new GPT2Config(d)],
  ['LlamaConfig', LLAMA_FIELDS as ConfigSchema, (d: ConfigDict) => new LlamaConfig(d)],
  ['T5Config', T5_FIELDS as ConfigSchema, (d: ConfigDict) => new T5Config(d)],
  ['BertConfig', BERT_FIELDS as ConfigSchema, (d: ConfigDict) => new BertConfig(d)],
] as const)('%s', (name, schema, make) => {
  it('below-range integers: one under each int field\'s minimum is refused', () => {
    for (const [field, f] of Object.entries(schema)) {
      if (f.kind !== 'int') continue;
      expect(() => make({ [field]: (f.min ?? 1) - 1 }), field).toThrow(expect.objectContaining({ code: 'ERR_CONFIG', message: expect.stringContaining(`'${field}'`) }));
    }
  });

  it('defaults: every read field has its table default; toDict → constructor round-trips', () => {
    const c = make({}) as unknown as Record<string, unknown>;
    for (const [field, f] of Object.entries(schema)) {
      if ('default' in f) expect(c[camel(field)], field).toEqual(f.default);
    }
    const again = make((c as unknown as GPT2Config).toDict());
    expect((again as unknown as GPT2Config).toDict()).toEqual((c as unknown as GPT2Config).toDict());
  });

  it('a bad value of any field is an error naming that field', () => {
    for (const [field, f] of Object.entries(schema)) {
      for (const v of bad[f.kind] ?? []) {
        if (f.kind === 'num' && typeof v === 'number' && 'min' in f && f.min === -Infinity) continue;
        if (f.kind === 'int' && v === -3 && f.min === 0) continue; // -3 < 0 still fails; kept for ≥ 1 fields too
        expect(() => make({ [field]: v }), `${field} = ${JSON.stringify(v)}`).toThrow(expect.objectContaining({
          code: 'ERR_CONFIG', message: expect.stringContaining(`'${field}'`),
        }));
      }
    }
  });

  it('ignored fields are accepted and written back as given', () => {
    for (const [field, f] of Object.entries(schema)) {
      if (f.kind !== 'ignored') continue;
      expect((make({ [field]: 7 }) as unknown as GPT2Config).toDict()[field], field).toBe(7);
    }
  });
});

it(`${'GPT2Config'}: a value through from() (camelCase) equals the snake_case one`, () => {
  expect(GPT2Config.from({ nLayer: 3, nEmbd: 64, nHead: 4 }).toDict()).toEqual(new GPT2Config({ n_layer: 3, n_embd: 64, n_head: 4 }).toDict());
});
