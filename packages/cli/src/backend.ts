/**
 * Start the backend a command runs on: the one named by --backend, or the best that works here
 * (cuda > webgpu with a hardware adapter > wasm > cpu; simulations are never picked by default).
 */
import { getBackend, ready, setBackend, type Backend } from '@tessera/core';
import { UsageError } from './errors.js';

export const BACKENDS = ['cpu', 'wasm', 'webgpu', 'cuda'] as const;
export type BackendName = (typeof BACKENDS)[number];

const PACKAGES: Record<BackendName, () => Promise<unknown>> = {
  cpu: () => import('@tessera/backend-cpu'),
  wasm: () => import('@tessera/backend-wasm'),
  webgpu: () => import('@tessera/backend-webgpu'),
  cuda: () => import('@tessera/backend-cuda'),
};

export async function useBackend(name?: string): Promise<Backend> {
  if (name !== undefined) {
    if (!(BACKENDS as readonly string[]).includes(name)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got '${name}'`);
    try {
      await PACKAGES[name as BackendName]();
    } catch (e) {
      throw new UsageError(`backend '${name}' is not installed (${(e as Error).message.split('\n')[0]}); install @tessera/backend-${name} or choose another --backend`);
    }
    try {
      return await setBackend(name);
    } catch (e) {
      throw new UsageError(`backend '${name}' cannot start here: ${(e as Error).message.split('\n')[0]}; choose another --backend`);
    }
  }
  for (const n of BACKENDS) {
    try { await PACKAGES[n](); } catch { /* optional backend not installed */ }
  }
  await ready();
  return getBackend();
}

export function backendLabel(b: Backend): string {
  const d = b.info?.description;
  return d ? `${b.name} (${d})` : b.name;
}
