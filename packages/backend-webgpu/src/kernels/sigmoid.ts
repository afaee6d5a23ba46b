import { defineKernel } from '@tessera/core';
import { SIGMOID } from '../util/math.js';
import { unary } from '../util/elementwise.js';

export default defineKernel('sigmoid', { dtypes: ['float32'], run: unary('sigmoid', 'sigmoid_(a)', SIGMOID) });
