/** One training step per family on a backend: forward + backward + AdamW lowers the loss. */
import { expect, it } from 'vitest';
import { adamwUpdate, manualSeed, randint, tidy, zerosLike, type Tensor } from '@tessera/core';
import type { CausalLMOutput, DecoderInputs, Module } from '../../src/index.js';

type LM = Module & { forward(i: DecoderInputs): CausalLMOutput };

/** Loss of a fixed batch before and after `steps` AdamW steps (lr 1e-2, dropout off). */
export async function trainSteps(model: LM, vocab: number, backend: string, steps = 3): Promise<[number, number]> {
  manualSeed(7);
  const inputIds = randint(0, vocab, [2, 8], { backend, seed: 11 });
  const params = model.parameters();
  const m = params.map((p) => zerosLike(p));
  const v = params.map((p) => zerosLike(p));
  const losses: number[] = [];
  for (let step = 1; step <= steps + 1; step++) {
    const loss = tidy(() => {
      const l = model.forward({ inputIds, labels: inputIds }).loss!;
      if (step <= steps) {
        l.backward();
        params.forEach((p, i) => {
          const r = adamwUpdate(p, p.grad!, m[i]!, v[i]!, { lr: 1e-2, step, weightDecay: 0 });
          p.assign(r.param); m[i]!.assign(r.m); v[i]!.assign(r.v);
          p.grad = null;
        });
      }
      return l.detach();
    });
    losses.push(((await loss.data()) as Float32Array)[0]!);
    loss.dispose();
  }
  for (const t of [inputIds, ...m, ...v] as Tensor[]) t.dispose();
  return [losses[0]!, losses[losses.length - 1]!];
}

export function trainCase(name: string, make: () => LM, vocab: number, backend: string): void {
  it(`${name}: forward + backward + AdamW steps lower the loss on ${backend}`, async () => {
    const model = make().train();
    const [before, after] = await trainSteps(model, vocab, backend);
    expect(Number.isFinite(before)).toBe(true);
    expect(after).toBeLessThan(before * 0.9);
    model.dispose();
  });
}
