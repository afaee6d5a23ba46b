import { describe, expect, it } from 'vitest';
import { cosineSchedule, constantSchedule, inverseSqrtSchedule, linearSchedule, makeSchedule, TrainError } from '../src/index.js';

describe('learning-rate schedules (HF formulas)', () => {
  it('constant with warmup', () => {
    const f = constantSchedule({ lr: 1e-3, warmupSteps: 4 });
    expect([0, 1, 2, 4, 1000].map(f)).toEqual([0, 2.5e-4, 5e-4, 1e-3, 1e-3]);
  });

  it('linear warmup then linear decay to minLr', () => {
    const f = linearSchedule({ lr: 1, warmupSteps: 10, totalSteps: 110 });
    expect(f(5)).toBeCloseTo(0.5);
    expect(f(10)).toBe(1);
    expect(f(60)).toBeCloseTo(0.5);
    expect(f(110)).toBe(0);
    expect(f(500)).toBe(0);
    const g = linearSchedule({ lr: 1, warmupSteps: 0, totalSteps: 100, minLr: 0.1 });
    expect(g(50)).toBeCloseTo(0.55);
    expect(g(100)).toBeCloseTo(0.1);
  });

  it('cosine: HF get_cosine_schedule_with_warmup, with a floor', () => {
    const f = cosineSchedule({ lr: 6e-4, warmupSteps: 100, totalSteps: 1100 });
    expect(f(50)).toBeCloseTo(3e-4, 12);
    expect(f(100)).toBeCloseTo(6e-4, 12);
    expect(f(600)).toBeCloseTo(3e-4, 12); // half way: cos(pi/2) = 0
    expect(f(350)).toBeCloseTo(6e-4 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), 12);
    expect(f(1100)).toBeCloseTo(0, 12);
    const g = cosineSchedule({ lr: 6e-4, warmupSteps: 100, totalSteps: 1100, minLr: 6e-5 });
    expect(g(600)).toBeCloseTo(6e-5 + 0.5 * (6e-4 - 6e-5), 12);
    expect(g(5000)).toBeCloseTo(6e-5, 12);
  });

  it('inverse square root after warmup', () => {
    const f = inverseSqrtSchedule({ lr: 1, warmupSteps: 100 });
    expect(f(50)).toBeCloseTo(0.5);
    expect(f(100)).toBe(1);
    expect(f(400)).toBeCloseTo(0.5); // 1 / sqrt(400 / 100)
  });

  it('rejects bad options', () => {
    expect(() => makeSchedule('step' as never, { lr: 1 })).toThrow(/unknown schedule 'step'/);
    expect(() => cosineSchedule({ lr: 1 })).toThrow(/totalSteps/);
    expect(() => cosineSchedule({ lr: 1, totalSteps: 10, warmupSteps: 20 })).toThrow(TrainError);
    expect(() => cosineSchedule({ lr: 1, totalSteps: 10, minLr: 2 })).toThrow(/minLr/);
    expect(() => constantSchedule({ lr: 1 })(-1)).toThrow(/step must be/);
  });
});
