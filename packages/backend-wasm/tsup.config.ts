import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig({
  ...packageBuild,
  clean: false, // scripts/build-wasm.mjs cleans dist/ and writes the .wasm files there first
  shims: true, // import.meta.url in the CJS build (locates the .wasm files)
});
