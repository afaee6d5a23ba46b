import { runSelfTest } from '../src/index.js';

runSelfTest();
