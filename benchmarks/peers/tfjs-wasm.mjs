// Peer: TensorFlow.js WebAssembly backend (@tensorflow/tfjs-backend-wasm, XNNPACK, SIMD).
// Its threaded build needs Web Workers, which Node does not have: in Node it runs one thread.
import { tfjsAdapter } from '../lib/tfjs.mjs';

export default tfjsAdapter({
  name: 'tfjs-wasm',
  backend: 'wasm',
  async load() {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const mt = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return {
      threads: wasm.getThreadsCount(),
      notes: `SIMD ${simd ? 'on' : 'off'}; threads ${mt ? 'available' : 'unavailable in Node (needs Web Workers)'}`,
    };
  },
});
