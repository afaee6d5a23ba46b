/**
 * The decoder-only fixture suite (GPT-2, LLaMA), run on one backend: hidden states and logits of
 * every case, greedy tokens by full recompute, KV-cache steps against greedy_step_logits.
 */
import { describe, expect, it } from 'vitest';
import { noGrad, tidy, type Tensor } from '@tessera/core';
import type { CausalLMOutput, DecoderInputs, KVCache, NewCacheOptions } from '../../src/index.js';
import { expectFixtureClose, fixturePath, intTensor, lastArgmax, readFixtureCases } from './fixtures.js';

export interface DecoderModel {
  forward(i: DecoderInputs): CausalLMOutput;
  newCache(o: NewCacheOptions): KVCache;
  dispose(): void;
  eval(): unknown;
}

export interface DecoderSuiteOptions {
  fixture: string;
  load: (dir: string, backend: string) => Promise<DecoderModel>;
  backend: string;
  /** case names to run (default: all) — keep slow backends to a few. */
  cases?: string[];
  greedy?: boolean;
  cache?: boolean;
}

export function decoderFixtureSuite(o: DecoderSuiteOptions): void {
  const all = readFixtureCases(o.fixture);
  const cases = o.cases ? all.filter((c) => o.cases!.includes(c.name)) : all;
  describe(`${o.fixture} fixture on ${o.backend}`, () => {
    let model: DecoderModel;
    const get = async () => (model ??= await o.load(fixturePath(o.fixture), o.backend));

    for (const c of cases) {
      const mask = c.inputs.attention_mask!;
      const [B, T] = [mask.length, mask[0]!.length];
      it(`${c.name}: last_hidden_state and logits`, async () => {
        const m = await get();
        const out = noGrad(() => m.forward({
          inputIds: intTensor(c.inputs.input_ids!, o.backend), attentionMask: intTensor(mask, o.backend),
          positionIds: intTensor(c.inputs.position_ids!, o.backend),
        }));
        expectFixtureClose(await out.lastHiddenState.data() as Float32Array, c.expected.last_hidden_state as number[][][], c.stats.last_hidden_state!.max_abs, mask, 'last_hidden_state');
        expectFixtureClose(await out.logits.data() as Float32Array, c.expected.logits as number[][][], c.stats.logits!.max_abs, mask, 'logits');
        out.logits.dispose(); out.lastHiddenState.dispose();
      });

      if (o.greedy ?? true) {
        it(`${c.name}: greedy_new_tokens by full recompute (default positions from the mask)`, async () => {
          const m = await get();
          const ids = c.inputs.input_ids!.map((r) => [...r]);
          const msk = mask.map((r) => [...r]);
          const expected = c.expected.greedy_new_tokens as number[][];
          for (let s = 0; s < expected[0]!.length; s++) {
            const logits = noGrad(() => tidy(() => m.forward({ inputIds: intTensor(ids, o.backend), attentionMask: intTensor(msk, o.backend) }).logits));
            const V = logits.shape[2]!;
            const next = lastArgmax(await logits.data() as Float32Array, B, ids[0]!.length, V);
            logits.dispose();
            next.forEach((t, b) => { ids[b]!.push(t); msk[b]!.push(1); });
          }
          expect(ids.map((r) => r.slice(T))).toEqual(expected);
        });
      }

      if (o.cache ?? true) {
        it(`${c.name}: KV-cache decoding gives greedy_step_logits`, async () => {
          const m = await get();
          const steps = c.expected.greedy_step_logits as number[][][];
          const tokens = c.expected.greedy_new_tokens as number[][];
          const nSteps = steps[0]!.length;
          const cache = m.newCache({ batchSize: B, maxLength: T + nSteps });
          const msk = mask.map((r) => [...r]);
                    const maxAbs = Math.max(...steps.flat(2).map(Math.abs));
          let logits: Tensor = noGrad(() => m.forward({
            inputIds: intTensor(c.inputs.input_ids!, o.backend), attentionMask: intTensor(msk, o.backend),
            positionIds: intTensor(c.inputs.position_ids!, o.backend), cache,
          }).logits);
          for (let s = 0; s < nSteps; s++) {
            const data = await logits.data() as Float32Array;
            const V = logits.shape[2]!, TT = logits.shape[1]!;
            const last = Float32Array.from({ length: B * V }, (_, i) => data[(Math.floor(i / V) * TT + TT - 1) * V + (i % V)]!);
            expectFixtureClose(last, steps.map((r) => [r[s]!]), maxAbs, undefined, `step ${s} logits`);
            logits.dispose();
            if (s === nSteps - 1) break;
            msk.forEach((r) => r.push(1));
            const pos = msk.map((r) => r.reduce((a, x) => a + x, 0) - 1); // cumsum(mask) - 1 at the new column
            logits = noGrad(() => m.forward({
              inputIds: intTensor(tokens.map((r) => [r[s]!]), o.backend), attentionMask: intTensor(msk, o.backend),
              positionIds: intTensor(pos.map((p) => [p]), o.backend), cache,
            }).logits);
          }
          cache.dispose();
        });
      }
    }
  });
}
