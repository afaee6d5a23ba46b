import { defineKernel } from '@tessera/core';
import { binary } from '../util/elementwise.js';

export default defineKernel('le', { dtypes: ['float32', 'int32'], run: binary('le', 'select(0, 1, a <= b)') });
