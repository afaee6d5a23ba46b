import { defineKernel } from '@tessera/core';
import { SINCOS } from '../util/math.js';
import { unary } from '../util/elementwise.js';

export default defineKernel('cos', { dtypes: ['float32'], run: unary('cos', 'cos_(a)', SINCOS) });
