import { defineKernel } from '@tessera/core';
import { binary } from '../util/elementwise.js';

// NaN propagates (as torch.minimum): WGSL's min leaves NaN unspecified.
export default defineKernel('minimum', { dtypes: ['float32', 'int32'], run: binary('minimum', (d) => (d !== 'int32' ? 'select(min(a, b), a + b, is_nan(a) || is_nan(b))' : 'min(a, b)')) });
