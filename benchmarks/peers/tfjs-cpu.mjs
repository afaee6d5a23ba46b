// Peer: TensorFlow.js plain-JS CPU backend (@tensorflow/tfjs-backend-cpu), one thread.
import { tfjsAdapter } from '../lib/tfjs.mjs';

export default tfjsAdapter({
  name: 'tfjs-cpu',
  backend: 'cpu',
  async load() {
    await import('@tensorflow/tfjs-backend-cpu');
    return { threads: 1 };
  },
});
