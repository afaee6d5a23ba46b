import { defineKernel } from '@tessera/core';
import { ALL_DTYPES, decoder, encoder } from '../util/arrays.js';
import { copyStrided, mapUnary } from '../util/elementwise.js';

const id = (x: number): number => x;

/**
 * Decode the source bits (f16 / bf16 only), then encode for the target: f16 / bf16 round to
 * nearest even, bool is x != 0, and the typed-array store does the rest (float32 rounding;
 * int targets truncate toward zero and wrap, NaN / ±inf give 0).
 */
export default defineKernel('cast', {
  dtypes: ALL_DTYPES,
  run: ({ inputs: [x], outputs: [y] }) => {
    if (x.dtype === y.dtype) return copyStrided(x, y);
    const dec = decoder(x.dtype), enc = encoder(y.dtype);
    mapUnary(x, y, dec && enc ? (v) => enc(dec(v)) : (dec ?? enc ?? id));
  },
});
