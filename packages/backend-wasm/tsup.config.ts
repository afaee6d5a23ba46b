import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: false, // scripts/build-wasm.mjs cleans dist/ and writes the .wasm files there first
  shims: true, // import.meta.url in the CJS build (locates the .wasm files)
  target: 'es2022',
});
