import { defineKernel } from '@tessera/core';
import { unary } from '../util/elementwise.js';

export default defineKernel('abs', { dtypes: ['float32', 'int32'], run: unary('abs', 'abs(a)') });
