import { defineKernel } from '@tessera/core';
import { reduceKernel } from '../util/reduce.js';

export default defineKernel('argmax', { dtypes: ['float32', 'int32'], run: reduceKernel('argmax') });
