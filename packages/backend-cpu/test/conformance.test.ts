import { runConformance } from '@tessera/conformance';
import { createCpuBackend } from '../src/index.js';

// The whole conformance suite on the pure-TypeScript reference backend, with 1 and 2 matmul threads.
runConformance(() => createCpuBackend({ threads: 1 }), { name: 'cpu-1t' });
runConformance(() => createCpuBackend({ threads: 2 }), { name: 'cpu-2t' });
