import '@tessera/backend-wasm';
import { modelSuite } from '../suite/all.js';

modelSuite('wasm');
