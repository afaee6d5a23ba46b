/**
 * Where the packaged fixtures live. This module sits at the top of src/ so that the same relative
 * URL works from src/ (vitest) and from dist/ (the published bundle): both are one level below the
 * package root, next to fixtures/.
 */
export const TORCH_FIXTURES_URL = new URL('../fixtures/torch-ops/', import.meta.url);
