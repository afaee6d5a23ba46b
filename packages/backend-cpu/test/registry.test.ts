import { FUSED_OPS, REQUIRED_OPS } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { cpuKernels, createCpuBackend } from '../src/index.js';

describe('kernel registry', () => {
  it('has exactly one kernel for every op of the contract, and nothing else', () => {
    const ops = cpuKernels.map((k) => k.op);
    expect(new Set(ops).size).toBe(ops.length);
    expect([...ops].sort()).toEqual([...REQUIRED_OPS, ...FUSED_OPS].sort());
    expect(createCpuBackend({ threads: 1 }).kernels).toBe(cpuKernels);
  });

  it('declares float32-only kernels where core should upcast f16 / bf16, all dtypes where it moves bits', () => {
    const dtypesOf = (op: string) => cpuKernels.find((k) => k.op === op)?.dtypes;
    for (const op of ['where', 'cast', 'copy', 'indexSelect', 'gather']) expect(dtypesOf(op)).toContain('bfloat16');
    for (const op of ['exp', 'matmul', 'softmax', 'attention', 'adamw']) expect(dtypesOf(op)).toEqual(['float32']);
    for (const k of cpuKernels) if (!['where', 'cast', 'copy', 'indexSelect', 'gather', 'random'].includes(k.op)) expect(k.dtypes, k.op).not.toContain('float16');
  });
});
