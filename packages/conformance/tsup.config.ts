import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig({
  ...packageBuild,
  // src/paths.ts uses import.meta.url to find fixtures/: shim it in the CommonJS build
  shims: true,
  // vitest and core are the caller's (peer / dependency), never bundled
  external: ['vitest', '@tessera/core'],
});
