import { RANDOM_DIST_CODES, defineKernel, numel } from '@tessera/core';
import type { WasmBackend } from '../wasm-backend.js';

const u32 = (x: number): number => ((x % 4294967296) + 4294967296) % 4294967296;

// Philox4x32-10 with key (seed mod 2^32, floor(seed / 2^32) mod 2^32): the contract's exact stream.
export default defineKernel<'random', WasmBackend>('random', {
  run: ({ backend: { rt }, outputs: [y], attrs: { dist, seed, offset, low = 0, high = 0 } }) => {
    const n = numel(y!.shape);
    const args = [RANDOM_DIST_CODES[dist], u32(seed), u32(Math.floor(seed / 4294967296)), u32(offset), low | 0, high - low, y!.data as number];
    rt.parallel('random_fill', args, n, 4, dist === 'normal' ? n * 8 : n);
  },
});
