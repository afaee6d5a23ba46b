import { defineKernel } from '@tessera/core';
import { binary } from '../util/elementwise.js';

export default defineKernel('add', { dtypes: ['float32', 'int32'], run: binary('add', 'a + b') });
