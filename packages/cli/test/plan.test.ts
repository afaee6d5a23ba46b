import { describe, expect, it, vi } from 'vitest';
import { main, planTraining } from '../src/index.js';

const GB = 1e9;
const base = { optimizer: 'adamw', gpus: 1, zero: 0 } as const;

describe('tessera plan: the course notes\' numbers', () => {
  it('weights at 4 / 2 / 2 / 1 bytes a parameter: 1B → 4, 2, 2, 1 GB', () => {
    expect(planTraining({ ...base, params: 1e9, dtype: 'fp32' }).inferenceBytes).toBe(4 * GB);
    expect(planTraining({ ...base, params: 1e9, dtype: 'fp16' }).inferenceBytes).toBe(2 * GB);
    expect(planTraining({ ...base, params: 1e9, dtype: 'bf16' }).inferenceBytes).toBe(2 * GB);
    expect(planTraining({ ...base, params: 1e9, dtype: 'int8' }).inferenceBytes).toBe(1 * GB);
  });

  it('training at fp32 with Adam: 4 + 8 + 4 + 8 = 24 bytes a parameter, 24 GB for 1B', () => {
    const r = planTraining({ ...base, params: 1e9, dtype: 'fp32' });
    expect(r.bytesPerParam).toEqual({ weights: 4, gradients: 4, optimizer: 8, activations: 8, training: 24 });
    expect(r.trainingBytes).toBe(24 * GB);
    expect(r.lines.find((l) => l.name.startsWith('training ('))!.explain).toMatch(/weights 4 \+ gradients 4 \+ two Adam moments \(m, v\) at fp32 8 \+ activations and temporaries ≈ 8 = 24 bytes/);
  });

  it('SGD with momentum keeps one state; 16-bit keeps an fp32 master copy; int8 does not train', () => {
    expect(planTraining({ ...base, params: 1e9, dtype: 'fp32', optimizer: 'sgd' }).trainingBytes).toBe(20 * GB);
    expect(planTraining({ ...base, params: 1e9, dtype: 'bf16' }).bytesPerParam!.training).toBe(2 + 2 + 12 + 8);
    expect(planTraining({ ...base, params: 1e9, dtype: 'int8' }).trainingBytes).toBeNull();
  });

  it('per GPU under DDP and ZeRO 1 / 2 / 3 (fp32 AdamW, 1B, 8 GPUs)', () => {
    const r = planTraining({ params: 1e9, dtype: 'fp32', optimizer: 'adamw', gpus: 8, zero: 3 });
    expect(r.perGpuBytes!.ddp).toBe(24 * GB);
    expect(r.perGpuBytes!.zero1).toBe((4 + 4 + 8 / 8 + 8) * GB);
    expect(r.perGpuBytes!.zero2).toBe((4 + 12 / 8 + 8) * GB);
    expect(r.perGpuBytes!.zero3).toBe((16 / 8 + 8) * GB);
    expect(r.perGpuBytes!.chosen).toBe(r.perGpuBytes!.zero3);
  });

  it('Chinchilla: 20 tokens a parameter (70B → 1.4T) and 6·N·D FLOPs in petaflop/s-days', () => {
    const r = planTraining({ ...base, params: 70e9, dtype: 'bf16' });
    expect(r.tokens).toBe(1.4e12);
    expect(r.flops).toBeCloseTo(6 * 70e9 * 1.4e12, -10);
    expect(r.petaflopDays).toBeCloseTo(5.88e23 / (1e15 * 86400), 6);
    expect(planTraining({ ...base, params: 1e9, dtype: 'fp32', tokens: 3e11 }).flops).toBe(6 * 1e9 * 3e11);
  });

  it('the command prints each line explained, and --json the same numbers', async () => {
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s: string) => { out.push(s); });
    try {
      expect(await main(['plan', '--params', '1e9', '--dtype', 'fp32'])).toBe(0);
      expect(out[0]).toMatch(/weights \(inference\)\s+4\.00 GB\s+1B parameters × 4 bytes \(fp32\)/);
      expect(out[0]).toMatch(/training \(AdamW\)\s+24\.00 GB/);
      expect(out[0]).toMatch(/training tokens\s+20B tokens\s+Chinchilla/);
      out.length = 0;
      expect(await main(['plan', '--params', '7B', '--dtype', 'bf16', '--gpus', '8', '--zero', '2', '--json'])).toBe(0);
      const j = JSON.parse(out[0]!);
      expect(j.inferenceBytes).toBe(14 * GB);
      expect(j.perGpuBytes.zero2).toBe(7e9 * (2 + 14 / 8 + 8));
    } finally {
      log.mockRestore();
    }
  });
});
