// Peer: onnxruntime-node, native CPU execution provider (MLAS), 2 intra-op threads.
import { createRequire } from 'node:module';
import { ortAdapter } from '../lib/ort.mjs';

const THREADS = 2;

export default ortAdapter({
  name: 'onnxruntime-node',
  async load() {
    const ort = (await import('onnxruntime-node')).default;
    const version = createRequire(import.meta.url)('onnxruntime-node/package.json').version;
    return {
      ort,
      sessionOptions: { executionProviders: ['cpu'], intraOpNumThreads: THREADS, interOpNumThreads: 1 },
      info: { version: `onnxruntime-node ${version}`, threads: THREADS, notes: 'CPU EP' },
    };
  },
});
