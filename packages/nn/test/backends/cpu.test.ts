import '@tessera/backend-cpu';
import { modelSuite } from '../suite/all.js';

modelSuite('cpu');
