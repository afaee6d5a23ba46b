import { defineKernel } from '@tessera/core';
import { ERF } from '../util/math.js';
import { unary } from '../util/elementwise.js';

export default defineKernel('erf', { dtypes: ['float32'], run: unary('erf', 'erf_(a)', ERF) });
