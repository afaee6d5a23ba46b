import { describe, it } from 'vitest';
import { runConformance } from '@tessera/conformance';
import { createWebGpuBackend } from '../src/index.js';
import { webgpuUnavailable } from './setup-gpu.js';

// The whole conformance suite on WebGPU (SwiftShader in CI); skips with the reason when no adapter.
const why = await webgpuUnavailable();
describe.skipIf(!why)(`conformance: webgpu skipped (${why})`, () => it('needs a WebGPU adapter', () => {}));
if (!why) runConformance(createWebGpuBackend, { name: 'webgpu' });
