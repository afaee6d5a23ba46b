import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig, type UserConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url));

/**
 * Tests import the workspace packages from their sources, so `vitest run` needs no prior build
 * and a change in core is seen at once by every backend's tests.
 */
export function packageTests(overrides: UserConfig = {}): UserConfig {
  return mergeConfig(
    defineConfig({
      resolve: {
        alias: {
          '@tessera/core': src('core'),
          '@tessera/backend-cpu': src('backend-cpu'),
          '@tessera/conformance': src('conformance'),
        },
      },
      test: { testTimeout: 60_000 },
    }),
    overrides,
  );
}
