import { defineKernel } from '@tessera/core';
import { unary } from '../util/elementwise.js';

export default defineKernel('exp', { dtypes: ['float32'], run: unary('exp', 'exp(a)') });
