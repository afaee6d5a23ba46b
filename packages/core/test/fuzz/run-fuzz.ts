// The seeded fuzz of the whole public API: every exported function and Tensor method called with odd
// arguments. Every call must succeed or throw a TesseraError (not ERR_INTERNAL) whose message starts
// with the name the user called; the live tensor count must be the same after the call (results
// disposed); no call may take over a second.
import * as core from '@tessera/core';
import { FUNCTIONS, GETTERS, METHODS, SETTERS, makePool, type Pool } from './catalog.js';
import { mulberry32 } from '../../../../test-utils/rng.js';

export const SLOW_MS = 1000;
/** The first calls are the catalog's good calls, one per entry, unmutated: each must succeed. */
const COVER = Object.keys(FUNCTIONS).length + Object.keys(METHODS).length + GETTERS.length + Object.keys(SETTERS).length;

/** Seeded case picking (mulberry32). */
export const seeded = mulberry32;

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/** Odd values put where an argument was; `pool` keys stand for the case's tensors. */
const oddValues = (): unknown[] => [
  undefined, null, 0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 1e12, '', 'x', 'float32', 'bool', 'cpu', true, false,
  [], [1], [1.5], [-1], [[1]], ['a'], [undefined], [0, 1, 2, 3, 4, 5, 6, 7, 8], {}, { dtype: 'bool' }, { shape: 1 },
  { axis: 1 }, Symbol('s'), () => 1, 10n, new Float32Array(2), new Uint8Array(0),
  ...POOL_REFS,
];
const POOL_REFS = ['pool:f', 'pool:g', 'pool:h', 'pool:i', 'pool:b', 'pool:s', 'pool:e', 'pool:q', 'pool:d', 'pool:ix', 'pool:list'];

const resolve = (v: unknown, p: Pool): unknown => {
  if (typeof v !== 'string' || !v.startsWith('pool:')) return v;
  const k = v.slice(5);
  return k === 'list' ? [p.f, p.h] : p[k as keyof Pool];
};

export interface Failure { label: string; problem: string }
export interface Counts {
  calls: number; ok: number; typed: number; untyped: number; wrongName: number; leaks: number; slow: number;
  codes: Record<string, number>; failures: Failure[]; slowest: [number, string];
}

interface Case { kind: 'fn' | 'method' | 'get' | 'set'; name: string; args: unknown[]; self?: unknown; label: string; good?: boolean }

function mutate(rng: Rng, good: unknown[], mode: number): unknown[] {
  const a = [...good];
  switch (mode) {
    case 0: return a;
    case 1: if (a.length) a[Math.floor(rng() * a.length)] = pick(rng, oddValues()); return a;
    case 2: return a.slice(0, Math.floor(rng() * a.length));
    case 3: return [...a, pick(rng, oddValues())];
    case 4: return Array.from({ length: Math.floor(rng() * 5) }, () => pick(rng, oddValues()));
    default: {
      if (a.length) a[Math.floor(rng() * a.length)] = pick(rng, POOL_REFS);
      return a;
    }
  }
}

const show = (v: unknown): string => (typeof v === 'string' && v.startsWith('pool:') ? v.slice(5) : core.describe(v));

function makeCase(rng: Rng, p: Pool, cover: number): Case {
  const fnNames = Object.keys(FUNCTIONS), mNames = Object.keys(METHODS), sNames = Object.keys(SETTERS);
  const all = fnNames.length + mNames.length + GETTERS.length + sNames.length;
  const i = cover < all ? cover : Math.floor(rng() * all);
  const mode = cover < all ? 0 : Math.floor(rng() * 6);
  const label = (kind: string, name: string, args: unknown[]) => `${kind} ${name}(${args.map(show).join(', ')})`;
  if (i < fnNames.length) {
    const name = fnNames[i]!;
    const args = mutate(rng, FUNCTIONS[name]!(p), mode);
    return { kind: 'fn', name, args, label: label('core.', name, args) };
  }
  if (i < fnNames.length + mNames.length) {
    const name = mNames[i - fnNames.length]!;
    const args = mutate(rng, METHODS[name]!(p), mode);
    return { kind: 'method', name, self: args[0], args: args.slice(1), label: label('Tensor#', name, args) };
  }
  if (i < fnNames.length + mNames.length + GETTERS.length) {
    const name = GETTERS[i - fnNames.length - mNames.length]!;
    const self = mode === 0 ? p.f : resolve(pick(rng, oddValues()), p);
    return { kind: 'get', name, self, args: [], label: `get ${show(self)}.${name}` };
  }
  const name = sNames[i - fnNames.length - mNames.length - GETTERS.length]!;
  const args = mutate(rng, SETTERS[name]!(p), mode);
  return { kind: 'set', name, self: args[0], args: args.slice(1, 2), label: `set ${show(args[0])}.${name} = ${show(args[1])}` };
}

function call(c: Case, p: Pool): unknown {
  const args = c.args.map((v) => resolve(v, p));
  const self = resolve(c.self, p);
  const P = core.Tensor.prototype as unknown as Record<string, unknown>;
  if (c.kind === 'fn') return ((core as unknown as Record<string, (...a: unknown[]) => unknown>)[c.name])(...args);
  if (c.kind === 'method') return (P[c.name] as (...a: unknown[]) => unknown).call(self, ...args);
  const d = Object.getOwnPropertyDescriptor(core.Tensor.prototype, c.name)!;
  if (c.kind === 'get') return d.get!.call(self);
  d.set!.call(self, args[0]);
  return undefined;
}

function tensorsIn(x: unknown, out: Set<core.Tensor>, seen = new Set<unknown>()): Set<core.Tensor> {
  if (x === null || typeof x !== 'object' || seen.has(x)) return out;
  seen.add(x);
  if (core.isTensor(x)) out.add(x);
  else if (Array.isArray(x)) for (const v of x) tensorsIn(v, out, seen);
  else if (Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) tensorsIn(v, out, seen);
  return out;
}

/** The name an error must start with: the function or member the user called. */
const expectedPrefix = (c: Case) => `${c.name}: `;

export async function fuzz(seed: number, maxCalls: number, budgetMs: number): Promise<Counts> {
  const rng = seeded(seed);
  const counts: Counts = { calls: 0, ok: 0, typed: 0, untyped: 0, wrongName: 0, leaks: 0, slow: 0, codes: {}, failures: [], slowest: [0, ''] };
  const fail = (label: string, problem: string) => { if (counts.failures.length < 40) counts.failures.push({ label, problem }); };
  const backendName = core.getBackend().name;
  const t0 = performance.now();
  for (let n = 0; n < maxCalls && performance.now() - t0 < budgetMs; n++) {
    const p = makePool();
    const poolTensors = Object.values(p) as core.Tensor[];
    const grads = poolTensors.map((t) => t.grad);
    const c = makeCase(rng, p, n);
    c.good = n < COVER;
    const before = (core.memory().numTensors + core.memory().numFreedByGC);
    const alive = poolTensors.filter((t) => !t.isDisposed).length;
    counts.calls++;
    const start = performance.now();
    let result: unknown;
    try {
      result = call(c, p);
      if (result && typeof (result as Promise<unknown>).then === 'function') result = await result;
      counts.ok++;
    } catch (e) {
      if (c.good) fail(c.label, `the catalog's good call failed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200));
      if (e instanceof core.TesseraError && e.code !== 'ERR_INTERNAL') {
        counts.typed++;
        counts.codes[e.code] = (counts.codes[e.code] ?? 0) + 1;
        if (!e.message.startsWith(expectedPrefix(c))) { counts.wrongName++; fail(c.label, `message does not start with '${expectedPrefix(c)}': ${e.message.slice(0, 160)}`); }
      } else {
        counts.untyped++;
        fail(c.label, `${e instanceof Error ? `${e.name}${(e as { code?: string }).code ? ` ${(e as { code?: string }).code}` : ''}: ${e.message}` : String(e)}`.slice(0, 200));
      }
    }
    const ms = performance.now() - start;
    if (ms > counts.slowest[0]) counts.slowest = [ms, c.label.slice(0, 120)];
    if (ms > SLOW_MS) { counts.slow++; fail(c.label, `took ${ms.toFixed(0)} ms`); }
    if (core.getBackend().name !== backendName) await core.setBackend(backendName);
    // Results are the caller's to free; pool tensors handed back and leaves' new gradients are not results.
    const pooled = new Set(poolTensors);
    for (const t of tensorsIn(result, new Set())) if (!pooled.has(t) && !t.isDisposed) t.dispose();
    poolTensors.forEach((t, i) => { if (t.grad !== grads[i] && !t.isDisposed) t.grad = null; });
    const disposedByCall = alive - poolTensors.filter((t) => !t.isDisposed).length;
    const after = (core.memory().numTensors + core.memory().numFreedByGC);
    if (after !== before - disposedByCall) {
      counts.leaks++;
      fail(c.label, `live tensors ${before - disposedByCall} → ${after}`);
    }
    for (const t of poolTensors) { if (!t.isDisposed) t.grad = null; t.dispose(); }
  }
  return counts;
}

export const summary = (backend: string, c: Counts): string =>
  `${backend}: ${c.calls} calls, ${c.ok} ok, ${c.typed} typed errors (${Object.entries(c.codes).map(([k, v]) => `${k} ${v}`).join(', ')}), ` +
  `${c.untyped} untyped, ${c.wrongName} naming another function, ${c.leaks} leaking, ${c.slow} over ${SLOW_MS} ms; slowest ${c.slowest[0].toFixed(0)} ms (${c.slowest[1]})`;
