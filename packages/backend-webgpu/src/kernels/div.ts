import { defineKernel } from '@tessera/core';
import { binary } from '../util/elementwise.js';

export default defineKernel('div', { dtypes: ['float32'], run: binary('div', 'a / b') });
