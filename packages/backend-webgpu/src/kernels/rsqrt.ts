import { defineKernel } from '@tessera/core';
import { unary } from '../util/elementwise.js';

export default defineKernel('rsqrt', { dtypes: ['float32'], run: unary('rsqrt', 'inverseSqrt(a)') });
