import { runConformance } from '@tessera/conformance';
import { createCudaSimBackend } from '../src/index.js';

// The whole conformance suite on the simulator build of native/cuda (same .cu sources as the GPU).
runConformance(() => createCudaSimBackend(), { name: 'cuda-sim' });
