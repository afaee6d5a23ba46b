// The seeded fuzz of the public API on cpu and wasm (a fixed seed and a budget of seconds).
import * as core from '@tessera/core';
import '@tessera/backend-cpu';
import '@tessera/backend-wasm';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS, GETTERS, INTERNAL_MEMBERS, METHODS, SETTERS, isClassExport } from './catalog.js';
import { fuzz, summary } from './run-fuzz.js';

const SEED = Number(process.env.TESSERA_FUZZ_SEED ?? 20261207);
const CALLS = Number(process.env.TESSERA_FUZZ_CALLS ?? 20_000);
const BUDGET_MS = Number(process.env.TESSERA_FUZZ_BUDGET_MS ?? 30_000);

describe('the fuzz covers the whole public API', () => {
  it('every exported function has a catalog entry', () => {
    const fns = Object.entries(core).filter(([, v]) => typeof v === 'function' && !isClassExport(v)).map(([k]) => k);
    expect(fns.filter((k) => !(k in FUNCTIONS))).toEqual([]);
    expect(Object.keys(FUNCTIONS).filter((k) => !(k in core))).toEqual([]);
  });
  it('every Tensor member has a catalog entry', () => {
    const members = Object.getOwnPropertyNames(core.Tensor.prototype).filter((k) => !INTERNAL_MEMBERS.includes(k));
    const known = new Set([...Object.keys(METHODS), ...GETTERS, ...Object.keys(SETTERS)]);
    expect(members.filter((k) => !known.has(k))).toEqual([]);
  });
});

describe.each(['cpu', 'wasm'])('fuzz of the public API on %s', (name) => {
  it(`${CALLS} seeded calls: typed errors naming the function, nothing leaked, none slow`, async () => {
    await core.setBackend(name);
    const c = await fuzz(SEED, CALLS, BUDGET_MS);
    console.log(summary(name, c));
    for (const f of c.failures) console.log(`  ${f.label}\n    → ${f.problem}`);
    expect(c.calls).toBeGreaterThan(Object.keys(FUNCTIONS).length + Object.keys(METHODS).length);
    expect(c.failures).toEqual([]);
  }, 120_000);
});
