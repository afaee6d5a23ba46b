// `npm run demo`: the main job. Pre-training and sampling a GPT arrive with the training issue;
// until then the demo trains the autograd MLP example on the best backend available.
import { ready } from '@tessera/core';
import '@tessera/backend-cpu';
import '@tessera/backend-wasm';
import '@tessera/backend-webgpu';
import '@tessera/backend-cuda';

const backend = await ready();
console.log('GPT pre-training and sampling: coming in a later issue (the nn / training issues).');
console.log(`Meanwhile: an MLP trained with Tessera autograd on backend '${backend.name}' (${backend.info?.description ?? ''}).\n`);
await import('./mlp.mjs');
