import { defineKernel } from '@tessera/core';
import { TANH } from '../util/math.js';
import { unary } from '../util/elementwise.js';

export default defineKernel('tanh', { dtypes: ['float32'], run: unary('tanh', 'tanh_(a)', TANH) });
