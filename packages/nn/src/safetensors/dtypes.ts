import type { DType } from '@tessera/core';

/** Element types of the safetensors format (the reference's `Dtype` enum, in its order). */
export const SAFETENSORS_DTYPES = [
  'BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'I16', 'U16', 'F16', 'BF16',
  'I32', 'U32', 'F32', 'F64', 'I64', 'U64',
] as const;
export type SafetensorsDType = (typeof SAFETENSORS_DTYPES)[number];

/** Bytes per element. */
export const ST_SIZE: Readonly<Record<SafetensorsDType, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1, I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};

/**
 * The core dtype a file dtype is read as: floats without a core type widen or narrow to float32
 * (F64, the FP8 kinds), the wider / unsigned integers become int32 (checked for range).
 */
export const ST_TO_CORE: Readonly<Record<SafetensorsDType, DType>> = {
  BOOL: 'bool', U8: 'uint8', I8: 'int8', F8_E5M2: 'float32', F8_E4M3: 'float32', F8_E8M0: 'float32',
  I16: 'int32', U16: 'int32', F16: 'float16', BF16: 'bfloat16', I32: 'int32', U32: 'int32',
  F32: 'float32', F64: 'float32', I64: 'int32', U64: 'int32',
};

/** The file dtype each core dtype is written as. */
export const CORE_TO_ST: Readonly<Record<DType, SafetensorsDType>> = {
  float32: 'F32', float16: 'F16', bfloat16: 'BF16', int32: 'I32', int8: 'I8', uint8: 'U8', bool: 'BOOL',
};

/** Rank in the reference's enum: its writer lays out tensors by descending rank, then by name. */
export const ST_RANK: Readonly<Record<SafetensorsDType, number>> = Object.fromEntries(
  SAFETENSORS_DTYPES.map((d, i) => [d, i]),
) as Record<SafetensorsDType, number>;

export function isSafetensorsDType(x: unknown): x is SafetensorsDType {
  return typeof x === 'string' && (SAFETENSORS_DTYPES as readonly string[]).includes(x);
}
