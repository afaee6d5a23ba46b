import { registerBackend } from '@tessera/core';
import { createCpuBackend } from '@tessera/backend-cpu';
registerBackend('cpu', () => createCpuBackend(), 0);
