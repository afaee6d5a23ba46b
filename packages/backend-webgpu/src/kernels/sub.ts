import { defineKernel } from '@tessera/core';
import { binary } from '../util/elementwise.js';

export default defineKernel('sub', { dtypes: ['float32', 'int32'], run: binary('sub', 'a - b') });
