import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  shims: true, // import.meta.url in the CJS build (locates build/Release/*.node)
  target: 'es2022',
});
