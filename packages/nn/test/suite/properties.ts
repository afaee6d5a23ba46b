/**
 * Properties every decoder family keeps on every backend (the per-backend model suite): padding never
 * changes the outputs of real tokens, a changed future token leaves earlier positions unchanged, the
 * cache equals recompute, save → load is bit-exact and the Auto class picks the family, and the
 * float16 / bfloat16 models stay within a stated bound of float32.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noGrad, type Tensor } from '@tessera/core';
import { AutoModelForCausalLM, type CausalLMOutput, type DecoderInputs, type KVCache, type NewCacheOptions, type PreTrainedModel } from '../../src/index.js';
import { intTensor } from './fixtures.js';

type LM = PreTrainedModel & { forward(i: DecoderInputs): CausalLMOutput; newCache(o: NewCacheOptions): KVCache };

const values = async (t: Tensor) => Array.from((await t.contiguous().data()) as Float32Array);
/** float16 keeps 11 significant bits, bfloat16 8: logits of a tiny model within these fractions of their range. */
const DTYPE_BOUND = { float16: 1e-2, bfloat16: 6e-2 } as const;

export function decoderPropertiesSuite(name: string, make: (backend: string) => LM, backend: string): void {
  describe(`${name} properties on ${backend}`, () => {
    const row = [5, 9, 3, 17, 2, 44];
    const ids = (rows: number[][]) => intTensor(rows, backend);
    const close = (a: number[], b: number[], tol: number) => a.forEach((v, i) => expect(Math.abs(v - b[i]!), `[${i}]`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!))));

    it('padding never changes the outputs of real tokens; a changed future token leaves earlier ones', async () => {
      const model = make(backend).eval();
      const alone = noGrad(() => model.forward({ inputIds: ids([row]) }).lastHiddenState);
      const padded = noGrad(() => model.forward({
        inputIds: ids([[0, 0, ...row], [1, 2, 3, 4, 5, 6, 7, 8]]), attentionMask: ids([[0, 0, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]]),
      }).lastHiddenState);
      close(await values(padded.slice(0, 0, 1).slice(1, 2, 8)), await values(alone), 1e-4);
      const a = noGrad(() => model.forward({ inputIds: ids([row]) }).logits);
      const b = noGrad(() => model.forward({ inputIds: ids([[...row.slice(0, 4), 33, 21]]) }).logits);
      close(await values(b.slice(1, 0, 4)), await values(a.slice(1, 0, 4)), 1e-5);
      expect(await values(b.slice(1, 5, 6))).not.toEqual(await values(a.slice(1, 5, 6)));
      model.dispose();
    });

    it('the cache, a token at a time, equals recompute', async () => {
      const model = make(backend).eval();
      const full = await values(noGrad(() => model.forward({ inputIds: ids([row]) }).logits));
      const cache = model.newCache({ batchSize: 1, maxLength: 8 });
      const got = [...await values(noGrad(() => model.forward({ inputIds: ids([row.slice(0, 4)]), cache }).logits))];
      for (const t of row.slice(4)) got.push(...await values(noGrad(() => model.forward({ inputIds: ids([[t]]), cache }).logits)));
      close(got, full, 1e-4);
      cache.dispose();
      model.dispose();
    });

    it('save → load is bit-exact, and AutoModelForCausalLM picks the class', async () => {
      const model = make(backend).eval();
      const dir = mkdtempSync(join(tmpdir(), `tessera-${name}-${backend}-`));
      try {
        await model.savePretrained(dir);
        const back = await AutoModelForCausalLM.fromPretrained(dir, { backend });
        expect(back.className).toBe(model.className);
        const [sa, sb] = [model.stateDict(), back.stateDict()];
        expect(Object.keys(sb)).toEqual(Object.keys(sa));
        for (const k of Object.keys(sa)) expect(await values(sb[k]!), k).toEqual(await values(sa[k]!));
        back.dispose();
      } finally {
        rmSync(dir, { recursive: true, force: true });
        model.dispose();
      }
    });

    it.each(['float16', 'bfloat16'] as const)('a %s model: logits within the stated bound of float32', async (dtype) => {
      const model = make(backend).eval();
      const want = await values(noGrad(() => model.forward({ inputIds: ids([row]) }).logits));
      model.to(dtype);
      const logits = noGrad(() => model.forward({ inputIds: ids([row]) }).logits);
      expect(logits.dtype).toBe(dtype);
      const got = await values(logits.to('float32'));
      const range = Math.max(...want.map(Math.abs));
      const worst = Math.max(...got.map((v, i) => Math.abs(v - want[i]!)));
      expect(worst, `max |${dtype} - float32| over range ${range}`).toBeLessThanOrEqual(DTYPE_BOUND[dtype] * range);
      model.dispose();
    });
  });
}
