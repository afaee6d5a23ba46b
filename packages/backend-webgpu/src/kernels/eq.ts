import { defineKernel } from '@tessera/core';
import { binary } from '../util/elementwise.js';

export default defineKernel('eq', { dtypes: ['float32', 'int32'], run: binary('eq', 'select(0, 1, a == b)') });
