import { describe, it } from 'vitest';
import { modelSuite } from '../suite/all.js';
import { startWebGpu } from '../suite/webgpu.js';

const reason = await startWebGpu();
if (reason) describe.skip(`webgpu: ${reason}`, () => it('needs a WebGPU adapter', () => undefined));
else modelSuite('webgpu', true);
