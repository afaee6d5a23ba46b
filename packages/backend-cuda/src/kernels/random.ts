import { RANDOM_DIST_CODES, defineKernel } from '@tessera/core';
import type { CudaBackend } from '../cuda-backend.js';
import { addr, numel } from '../util/ops.js';

const u32 = (x: number): number => ((x % 4294967296) + 4294967296) % 4294967296;

// Philox4x32-10 with key (seed mod 2^32, floor(seed / 2^32) mod 2^32): the contract's exact stream.
export default defineKernel<'random', CudaBackend>('random', {
  run: ({ backend: { native }, outputs: [y], attrs: { dist, seed, offset, low = 0, high = 0 } }) => {
    const n = numel(y!.shape);
    if (n === 0) return;
    native.random(RANDOM_DIST_CODES[dist], u32(seed), u32(Math.floor(seed / 4294967296)), u32(offset), low | 0, u32(high - low), addr(y!), n);
  },
});
