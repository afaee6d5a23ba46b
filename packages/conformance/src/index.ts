/**
 * @tessera/conformance: the one test suite every Tessera backend runs.
 *
 *   import { runConformance } from '@tessera/conformance';
 *   import { createCpuBackend } from '@tessera/backend-cpu';
 *   runConformance(createCpuBackend, { name: 'cpu-conformance' });
 *
 * Call it at the top level of a vitest file. It registers the factory with core (twice: the second
 * instance, `${name}#2`, is used for the backend-mismatch checks), selects it in a beforeAll, and
 * defines one describe block per area. Every expected value comes from the suite's own float64
 * references, its own Philox, or the packaged PyTorch fixtures, never from another backend.
 */
import { beforeAll, describe } from 'vitest';
import * as tc from '@tessera/core';
import type { BackendFactory } from '@tessera/core';
import { Ctx, type ConformanceOptions } from './context.js';
import { defineGradCases, defineOpCases } from './check.js';
import { elementwiseCases } from './cases/elementwise.js';
import { reductionCasesAll } from './cases/reductions.js';
import { nnCases } from './cases/nn.js';
import { defineViewSemantics, movementCases } from './cases/movement.js';
import { compositeGradCases, defineAutograd } from './cases/grad.js';
import { defineCreation, defineHalfStorage, defineTensorApi } from './cases/creation.js';
import { defineRng } from './cases/rng.js';
import { defineDropout } from './cases/dropout.js';
import { defineBackends, defineErrors } from './cases/errors.js';
import { defineMemory } from './cases/memory.js';
import { defineFixtures } from './cases/fixtures.js';
import { defineSelfTest } from './cases/selftest.js';

export type { ConformanceOptions, SkipEntry, Tol } from './context.js';
export { DEFAULT_TOL, DEFAULT_GRAD_TOL } from './context.js';

export function runConformance(factory: BackendFactory, options: ConformanceOptions = {}): void {
  const ctx = new Ctx(options);
  tc.registerBackend(ctx.name, factory, 0);
  tc.registerBackend(ctx.secondName, factory, 0);

  const elementwise = elementwiseCases();
  const reductions = reductionCasesAll();
  const nn = nnCases();
  const movement = movementCases();
  const composite = compositeGradCases();

  describe(`conformance: ${ctx.name}`, () => {
    beforeAll(async () => {
      ctx.report(); // collection is complete here: print the skipped cases and their reasons
      await tc.setBackend(ctx.name);
    });

    describe('suite self-test (no backend)', () => defineSelfTest(ctx));
    describe('creation and tensor API', () => {
      defineCreation(ctx);
      defineTensorApi(ctx);
      defineHalfStorage(ctx);
    });
    describe('elementwise', () => defineOpCases(ctx, elementwise));
    describe('reductions', () => defineOpCases(ctx, reductions));
    describe('linear algebra and nn', () => defineOpCases(ctx, nn));
    describe('movement', () => {
      defineOpCases(ctx, movement);
      defineViewSemantics(ctx);
    });
    describe('gradients (float64 central differences)', () => {
      defineGradCases(ctx, [...elementwise, ...reductions, ...nn, ...movement, ...composite]);
    });
    describe('autograd semantics', () => defineAutograd(ctx));
    describe('random numbers', () => {
      defineRng(ctx);
      defineDropout(ctx);
    });
    describe('PyTorch fixtures', () => defineFixtures(ctx));
    describe('errors and backends', () => {
      defineErrors(ctx);
      defineBackends(ctx);
    });
    describe('memory', () => defineMemory(ctx));
  });
}

/** The suite's own check: its float64 references and finite differences reproduce the PyTorch fixtures. */
export function runSelfTest(): void {
  const ctx = new Ctx({ name: 'conformance-self-test' });
  describe('conformance self-test (no backend)', () => defineSelfTest(ctx));
}
