import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig({
  ...packageBuild,
  shims: true, // import.meta.url in the CJS build (locates build/Release/*.node)
});
