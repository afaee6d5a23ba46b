import { defineKernel } from '@tessera/core';
import { unary } from '../util/elementwise.js';

export default defineKernel('sqrt', { dtypes: ['float32'], run: unary('sqrt', 'sqrt(a)') });
