/** Every family's per-backend cases; test/backends/<backend>.test.ts each call this once. */
import { decoderFamiliesSuite } from './decoders-all.js';
import { bertSuite } from './bert.js';
import { t5Suite } from './t5.js';

export function modelSuite(backend: string, small = false): void {
  decoderFamiliesSuite(backend, small);
  bertSuite(backend);
  t5Suite(backend);
}
