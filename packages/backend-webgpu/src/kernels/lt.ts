import { defineKernel } from '@tessera/core';
import { binary } from '../util/elementwise.js';

export default defineKernel('lt', { dtypes: ['float32', 'int32'], run: binary('lt', 'select(0, 1, a < b)') });
