import { describe } from 'vitest';
import { runConformance } from '@tessera/conformance';
import { createWebGpuBackend } from '../src/index.js';
import { webgpuUnavailable } from './setup-gpu.js';

// The whole conformance suite on WebGPU (SwiftShader in CI); every case skips, with the reason, when no adapter.
const why = await webgpuUnavailable();

describe.skipIf(!!why)(why ? `webgpu (skipped: ${why})` : 'webgpu', () => {
  runConformance(createWebGpuBackend, { name: 'webgpu' });
});
