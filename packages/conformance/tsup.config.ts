import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // src/paths.ts uses import.meta.url to find fixtures/: shim it in the CommonJS build
  shims: true,
  // vitest and core are the caller's (peer / dependency), never bundled
  external: ['vitest', '@tessera/core'],
});
