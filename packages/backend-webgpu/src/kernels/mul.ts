import { defineKernel } from '@tessera/core';
import { binary } from '../util/elementwise.js';

export default defineKernel('mul', { dtypes: ['float32', 'int32'], run: binary('mul', 'a * b') });
