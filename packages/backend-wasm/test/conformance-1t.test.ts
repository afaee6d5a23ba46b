import { runConformance } from '@tessera/conformance';
import { createWasmBackend } from '../src/index.js';

runConformance(() => createWasmBackend({ threads: 1 }), { name: 'wasm-1t' });
