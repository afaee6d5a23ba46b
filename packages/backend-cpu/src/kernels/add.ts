import { defineKernel } from '@tessera/core';
import { NUMERIC } from '../util/arrays.js';
import { runBinary } from '../util/elementwise.js';

// Integer wrap-around modulo 2^32 (or 2^8) comes from the typed-array store.
export default defineKernel('add', { dtypes: NUMERIC, run: (args) => runBinary(args, (a, b) => a + b) });
