import { describe, it } from 'vitest';
import { runConformance } from '@tessera/conformance';
import { createCudaBackend } from '../src/index.js';

// The whole conformance suite on a real GPU; without one it skips, visibly, with the reason.
function unavailable(): string | null {
  try {
    createCudaBackend();
    return null;
  } catch (e) {
    return `${(e as { code?: string }).code ?? 'error'}: ${(e as Error).message}`;
  }
}
const why = unavailable();
if (why && process.env.TESSERA_REQUIRE_CUDA === '1') throw new Error(`TESSERA_REQUIRE_CUDA=1 but cuda is unavailable: ${why}`);
if (why) console.warn(`[conformance:cuda] skipped: ${why}`);
describe.skipIf(!why)(`conformance: cuda skipped (${why})`, () => it.skip('needs a CUDA device', () => {}));
if (!why) runConformance(() => createCudaBackend(), { name: 'cuda' });
