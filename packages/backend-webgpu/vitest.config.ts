import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(`../${p}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@tessera/core': src('core'),
      '@tessera/conformance': src('conformance'),
    },
  },
  // One GPU device per file; files in parallel would fight for the 2 cores SwiftShader uses.
  test: { testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false, pool: 'forks' },
});
