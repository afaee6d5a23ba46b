import { defineKernel } from '@tessera/core';
import { softmaxKernel } from '../util/softmax.js';

export default defineKernel('softmax', { dtypes: ['float32'], run: softmaxKernel(false) });
