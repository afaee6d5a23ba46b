import { runConformance } from '../src/index.js';
import { createCpuBackend } from '@tessera/backend-cpu';

// The whole conformance suite on the pure-TypeScript reference backend.
runConformance(createCpuBackend, { name: 'cpu-conformance' });
