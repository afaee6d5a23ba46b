import { defineKernel } from '@tessera/core';
import { ALL_DTYPES } from '../util/arrays.js';
import { mapWhere } from '../util/elementwise.js';

export default defineKernel('where', {
  dtypes: ALL_DTYPES,
  run: ({ inputs: [cond, a, b], outputs: [y] }) => mapWhere(cond, a, b, y),
});
