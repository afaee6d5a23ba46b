import { runConformance } from '@tessera/conformance';
import { createWasmBackend } from '../src/index.js';

// Two threads: large kernels split across a worker on the shared memory.
runConformance(() => createWasmBackend({ threads: 2 }), { name: 'wasm-2t' });
