import { describe, expect, it } from 'vitest';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, promoteTypes } from '../src/index.js';

describe('float16', () => {
  it('round-trips every finite half exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = f16ToF32(h);
      if (Number.isNaN(x)) expect(Number.isNaN(f16ToF32(f32ToF16(x)))).toBe(true);
      else expect(f32ToF16(x)).toBe(h === 0x8000 ? 0x8000 : h);
    }
  });
  it('rounds to nearest, ties to even', () => {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even (1)
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00);
    // 1 + 3 * 2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9: goes up to even
    expect(f32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToF16(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
  });
  it('handles subnormals, overflow, inf and nan', () => {
    expect(f32ToF16(2 ** -24)).toBe(0x0001);
    expect(f32ToF16(2 ** -25)).toBe(0x0000); // tie -> even (0)
    expect(f32ToF16(3 * 2 ** -26)).toBe(0x0001);
    expect(f32ToF16(65504)).toBe(0x7bff);
    expect(f32ToF16(65520)).toBe(0x7c00); // rounds to inf
    expect(f32ToF16(-Infinity)).toBe(0xfc00);
    expect(f16ToF32(f32ToF16(NaN))).toBeNaN();
  });
});

describe('bfloat16', () => {
  it('rounds to nearest, ties to even', () => {
    expect(f32ToBf16(1)).toBe(0x3f80);
    expect(bf16ToF32(f32ToBf16(1 + 2 ** -8))).toBe(1); // tie -> even
    expect(bf16ToF32(f32ToBf16(1 + 3 * 2 ** -8))).toBe(1 + 2 ** -6);
    expect(bf16ToF32(f32ToBf16(Infinity))).toBe(Infinity);
    expect(bf16ToF32(f32ToBf16(NaN))).toBeNaN();
    expect(bf16ToF32(f32ToBf16(3.3e38))).toBe(3.2964854295465914e38); // largest finite is 3.3895e38
    expect(bf16ToF32(f32ToBf16(3.4e38))).toBe(Infinity);
  });
});

describe('promoteTypes', () => {
  it('follows PyTorch categories', () => {
    expect(promoteTypes('int32', 'float16')).toBe('float16');
    expect(promoteTypes('float16', 'bfloat16')).toBe('float32');
    expect(promoteTypes('bool', 'int8')).toBe('int8');
    expect(promoteTypes('int8', 'uint8')).toBe('int32');
    expect(promoteTypes('float32', 'float16')).toBe('float32');
  });
});
