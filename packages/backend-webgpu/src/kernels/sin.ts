import { defineKernel } from '@tessera/core';
import { SINCOS } from '../util/math.js';
import { unary } from '../util/elementwise.js';

export default defineKernel('sin', { dtypes: ['float32'], run: unary('sin', 'sin_(a)', SINCOS) });
