import { defineKernel } from '@tessera/core';
import { ALL_DTYPES } from '../util/arrays.js';
import { copyStrided } from '../util/elementwise.js';

export default defineKernel('copy', { dtypes: ALL_DTYPES, run: ({ inputs: [x], outputs: [y] }) => copyStrided(x, y) });
