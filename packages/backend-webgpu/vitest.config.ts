import { packageTests } from '../../vitest.shared';

export default packageTests({
  // One GPU device per file; files in parallel would fight for the 2 cores SwiftShader uses.
  test: { testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false, pool: 'forks' },
});
