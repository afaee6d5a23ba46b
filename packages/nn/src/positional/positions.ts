import { arange, cast, full, matmul, ne, sub, triu, where, type Tensor } from '@tessera/core';

/**
 * Position ids [B, T] for the last T of the mask's S columns, as HF generate() makes them:
 * cumsum(mask) - 1, with padded positions set to 1. Built with tensor ops (no host read).
 */
export function positionsFromMask(attentionMask: Tensor, T: number): Tensor {
  const S = attentionMask.shape[1]!;
  const m = cast(attentionMask, 'float32');
  const upper = triu(full([S, S], 1, { backend: m.backend }));
  const cum = matmul(m, upper); // [B, S]: inclusive prefix sums
  const pos = where(ne(attentionMask, 0), sub(cum, 1), 1);
  const last = S === T ? pos : pos.slice(1, S - T, S);
  return cast(last, 'int32');
}

/** past .. past + T - 1 for every row: [B, T] int32. */
export function positionsRange(batch: number, T: number, past: number, backend?: string): Tensor {
  return arange(past, past + T, 1, { dtype: 'int32', backend }).reshape([1, T]).expand([batch, T]);
}
