import { defineKernel } from '@tessera/core';
import { LOG } from '../util/math.js';
import { unary } from '../util/elementwise.js';

export default defineKernel('log', { dtypes: ['float32'], run: unary('log', 'log_(a)', LOG) });
