import { defineKernel } from '@tessera/core';
import { binary } from '../util/elementwise.js';

// NaN propagates (as torch.maximum): WGSL's max leaves NaN unspecified.
export default defineKernel('maximum', { dtypes: ['float32', 'int32'], run: binary('maximum', (d) => (d !== 'int32' ? 'select(max(a, b), a + b, is_nan(a) || is_nan(b))' : 'max(a, b)')) });
