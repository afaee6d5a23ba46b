// Peer: TensorFlow.js WebGPU backend (@tensorflow/tfjs-backend-webgpu) on the same adapter as
// tessera-webgpu (see lib/webgpu-env.mjs).
import { tfjsAdapter } from '../lib/tfjs.mjs';

export default tfjsAdapter({
  name: 'tfjs-webgpu',
  backend: 'webgpu',
  async load() {
    if (!globalThis.navigator?.gpu) throw new Error('no navigator.gpu (npm webgpu missing)');
    await import('@tensorflow/tfjs-backend-webgpu');
    return { notes: 'same Dawn adapter as tessera-webgpu' };
  },
});
