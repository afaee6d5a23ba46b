// Peer: onnxruntime-web, WebAssembly execution provider (SIMD), 2 threads (worker_threads in Node).
import { ortAdapter } from '../lib/ort.mjs';

const THREADS = 2;

export default ortAdapter({
  name: 'onnxruntime-web',
  async load() {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = THREADS;
    const version = ort.env.versions?.web ?? '?';
    return {
      ort,
      sessionOptions: { executionProviders: ['wasm'] },
      info: { version: `onnxruntime-web ${version}`, threads: THREADS, notes: 'wasm EP' },
    };
  },
});
