import '@tessera/backend-cuda';
import { modelSuite } from '../suite/all.js';

modelSuite('cuda-sim', true);
