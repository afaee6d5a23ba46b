import { defineKernel } from '@tessera/core';
import { num, sizeOf } from '../util/arrays.js';
import { philox4x32, seedKey, u32 } from '../util/philox.js';

const TWO_M24 = 2 ** -24;

/** Philox4x32-10 streams exactly as the contract specifies, so every backend draws the same bits. */
export default defineKernel('random', {
  run: ({ outputs: [y], attrs: { dist, seed, offset, low = 0, high = 0 } }) => {
    const Y = num(y), n = sizeOf(y.shape), o = y.offset;
    const [k0, k1] = seedKey(seed);
    const c1 = u32(offset);
    const w = new Uint32Array(4);
    if (dist === 'normal') {
      for (let j = 0; j < n; j++) {
        philox4x32(j, c1, 0, 0, k0, k1, w);
        const u1 = ((w[0] >>> 8) + 1) * TWO_M24, u2 = (w[1] >>> 8) * TWO_M24;
        Y[o + j] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      }
      return;
    }
    const range = high - low;
    for (let j = 0; j < n; j++) {
      if ((j & 3) === 0) philox4x32(j / 4, c1, 0, 0, k0, k1, w);
      const word = w[j & 3];
      if (dist === 'uniform') Y[o + j] = (word >>> 8) * TWO_M24;
      else if (dist === 'bits') Y[o + j] = word | 0;
      else Y[o + j] = low + (range > 0 ? word % range : 0);
    }
  },
});
