import { defineKernel } from '@tessera/core';
import { unary } from '../util/elementwise.js';

export default defineKernel('neg', { dtypes: ['float32', 'int32'], run: unary('neg', '-a') });
