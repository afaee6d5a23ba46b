/** The backend registry: registration, start-up (sync or async), the current backend and auto-selection. */
import type { Backend, BackendFactory, KernelConfig, OpName } from '../backend.js';
import { ArgumentError, BackendUnavailableError } from '../errors.js';
import { describe } from '../format.js';
import { engineState as S } from './state.js';

export function registerBackend(name: string, factory: BackendFactory, priority = 0): void {
  if (typeof name !== 'string' || !name) {
    throw new ArgumentError(`registerBackend: argument 'name' must be a non-empty string, got ${describe(name)}`);
  }
  if (typeof factory !== 'function') {
    throw new ArgumentError(`registerBackend: argument 'factory' must be a function returning a backend, got ${describe(factory)}`);
  }
  if (typeof priority !== 'number' || !Number.isFinite(priority)) {
    throw new ArgumentError(`registerBackend: argument 'priority' must be a finite number, got ${describe(priority)}`);
  }
  S.registry.set(name, { factory, priority });
  S.failures.delete(name);
  S.warned.delete(name);
}

/** Registered backend names, best first. */
export function listBackends(): string[] {
  return [...S.registry.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
}

function adopt(name: string, b: Backend): Backend {
  S.instances.set(name, b);
  S.registeredNames.set(b, name);
  S.kernelMaps.set(b, new Map(b.kernels.map((k) => [k.op, k])));
  return b;
}

function unknown(name: string): BackendUnavailableError {
  const known = listBackends();
  return new BackendUnavailableError(
    `backend '${name}' is not registered (registered: ${known.join(', ') || 'none'}); ` +
      `import its package first, e.g. import '@tessera/backend-${name}'`,
  );
}

/** The first line of an error's message, bounded: what we quote when a backend cannot start. */
function reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const line = msg.split('\n', 1)[0]!.trim();
  return line.length > 320 ? `${line.slice(0, 317)}...` : line;
}

function unavailable(name: string, e: unknown): BackendUnavailableError {
  if (e instanceof BackendUnavailableError) return e;
  const err = new BackendUnavailableError(
    `backend '${name}' cannot start here: ${reason(e)}; ` +
      `choose another with setBackend('<name>') (registered: ${listBackends().join(', ')}), or call ready() to use the best one that starts`,
  );
  (err as { cause?: unknown }).cause = e;
  return err;
}

function checkName(fn: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || !name) {
    throw new ArgumentError(`${fn}: argument 'name' must be a backend name (a non-empty string), got ${describe(name)}`);
  }
}

/** Start (once) and return a backend; async factories are awaited. */
export async function initBackend(name: string): Promise<Backend> {
  checkName('initBackend', name);
  const have = S.instances.get(name);
  if (have) return have;
  const reg = S.registry.get(name);
  if (!reg) throw unknown(name);
  let p = S.pending.get(name);
  if (!p) {
    p = (async () => adopt(name, await reg.factory()))();
    S.pending.set(name, p);
  }
  try {
    return await p;
  } catch (e) {
    S.failures.set(name, e);
    throw unavailable(name, e);
  } finally {
    S.pending.delete(name);
  }
}

/** A started backend, starting a synchronous factory on first use. */
export function backendSync(name: string): Backend {
  checkName('backendSync', name);
  const have = S.instances.get(name);
  if (have) return have;
  const reg = S.registry.get(name);
  if (!reg) throw unknown(name);
  let b: Backend | Promise<Backend>;
  try {
    b = reg.factory();
  } catch (e) {
    S.failures.set(name, e);
    throw unavailable(name, e);
  }
  if (b instanceof Promise || typeof (b as { then?: unknown })?.then === 'function') {
    (b as Promise<Backend>).then(undefined, () => undefined);
    throw new BackendUnavailableError(`backend '${name}' starts asynchronously: call \`await setBackend('${name}')\` or \`await ready()\` first`);
  }
  return adopt(name, b);
}

export async function setBackend(name: string): Promise<Backend> {
  checkName('setBackend', name);
  S.current = await initBackend(name);
  return S.current;
}

interface Skip { name: string; why: string }

/** One line per backend skipped during auto-selection, once per backend per process. */
function reportSkips(skipped: readonly Skip[], chosen: string): void {
  for (const s of skipped) {
    if (S.warned.has(s.name)) continue;
    S.warned.add(s.name);
    console.warn(`tessera: backend '${s.name}' skipped: ${s.why}; using '${chosen}'`);
  }
}

function noneStarted(skipped: readonly Skip[], hint: string): BackendUnavailableError {
  if (!S.registry.size) {
    return new BackendUnavailableError("no backend is registered: import one first, e.g. `import '@tessera/backend-cpu'` (runs everywhere)");
  }
  const lines = skipped.map((s) => `'${s.name}': ${s.why}`).join('; ');
  return new BackendUnavailableError(`no backend could start here (${lines}); ${hint}`);
}

/** Start the best backend that works here (highest priority, not simulated), or `name`. */
export async function ready(name?: string): Promise<Backend> {
  if (name !== undefined) return setBackend(name);
  if (S.current) return S.current;
  const skipped: Skip[] = [];
  for (const n of listBackends()) {
    try {
      const b = await initBackend(n);
      if (b.info?.simulated) {
        skipped.push({ name: n, why: 'it is a simulation (choose it with setBackend)' });
        continue;
      }
      S.current = b;
      reportSkips(skipped.filter((s) => !s.why.startsWith('it is a simulation')), n);
      return b;
    } catch (e) {
      skipped.push({ name: n, why: reason(S.failures.get(n) ?? e) });
    }
  }
  throw noneStarted(skipped, "import '@tessera/backend-cpu' (runs everywhere), or fix the cause shown for the backend you want");
}

/** The current backend. Without setBackend/ready, the best backend that starts synchronously. */
export function getBackend(): Backend {
  if (S.current) return S.current;
  const skipped: Skip[] = [];
  for (const n of listBackends()) {
    const failed = S.failures.get(n);
    if (failed !== undefined) {
      skipped.push({ name: n, why: reason(failed) });
      continue;
    }
    let b: Backend;
    try {
      b = backendSync(n);
    } catch (e) {
      const failure = S.failures.get(n);
      skipped.push({
        name: n,
        why: failure !== undefined ? reason(failure) : 'it starts asynchronously (call `await ready()` first to use it)',
      });
      continue;
    }
    if (b.info?.simulated) continue;
    S.current = b;
    reportSkips(skipped, n);
    return b;
  }
  throw noneStarted(skipped, "call `await ready()` first (for asynchronous backends), or import '@tessera/backend-cpu' (runs everywhere)");
}

/** The name a backend instance was registered under (its `name` field when used unregistered). */
export function nameOf(b: Backend): string {
  return S.registeredNames.get(b) ?? b.name;
}

export function kernelFor(b: Backend, op: OpName): KernelConfig | undefined {
  return S.kernelMaps.get(b)?.get(op);
}
