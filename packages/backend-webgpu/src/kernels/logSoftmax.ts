import { defineKernel } from '@tessera/core';
import { softmaxKernel } from '../util/softmax.js';

export default defineKernel('logSoftmax', { dtypes: ['float32'], run: softmaxKernel(true) });
