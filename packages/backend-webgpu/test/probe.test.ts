import { beforeEach, expect } from 'vitest';
import { runConformance } from '@tessera/conformance';
import { createWebGpuBackend } from '../src/index.js';
import { webgpuUnavailable } from './setup-gpu.js';
import { appendFileSync, writeFileSync } from 'node:fs';
await webgpuUnavailable();
writeFileSync('/tmp/trace.log', '');
beforeEach(() => { appendFileSync('/tmp/trace.log', expect.getState().currentTestName + '\n'); });
runConformance(createWebGpuBackend, { name: 'webgpu' });
