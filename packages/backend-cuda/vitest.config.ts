import { packageTests } from '../../vitest.shared';

export default packageTests({
  test: { testTimeout: 120_000, hookTimeout: 120_000 },
});
