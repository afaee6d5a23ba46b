import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(`../${p}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@tessera/core': src('core'),
      '@tessera/backend-cpu': src('backend-cpu'),
      '@tessera/conformance': src('conformance'),
    },
  },
  test: { testTimeout: 120_000, hookTimeout: 120_000 },
});
