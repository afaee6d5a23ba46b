/**
 * Shared state of one runConformance call: options, tolerances, and `test()`, the one place that
 * registers a case with vitest (so that `skip` is applied, and reported, uniformly).
 */
import { it } from 'vitest';
import type { DType } from '@tessera/core';

export interface Tol { rtol: number; atol: number }

export interface SkipEntry { id: string; reason?: string }

export interface ConformanceOptions {
  /** Name under which the factory is registered with core (default 'conformance'). */
  name?: string;
  /**
   * Case ids or id prefixes to skip, e.g. 'rng/' or 'elementwise/erf/bfloat16', optionally with a
   * reason. Each skipped case shows up as a skipped test with its reason, and the list is printed.
   */
  skip?: (string | SkipEntry)[];
  /** Override tolerances: per output dtype, for gradients, and a scale for the PyTorch fixtures' own. */
  tolerance?: Partial<Record<'float32' | 'float16' | 'bfloat16', Tol>> & { grad?: Tol; fixtureScale?: number };
}

export const DEFAULT_TOL: Record<'float32' | 'float16' | 'bfloat16', Tol> = {
  float32: { rtol: 1e-5, atol: 1e-6 },
  // 2 ulp at 1.0 (results are rounded to 16 bits twice: once by the backend, once implied by the reference).
  float16: { rtol: 2e-3, atol: 1e-3 },
  bfloat16: { rtol: 1.6e-2, atol: 1e-2 },
};

/** Per-case timeout, independent of the calling package's vitest config (slow simulated backends). */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** Gradients (float32 backend) against central differences of the float64 reference. */
export const DEFAULT_GRAD_TOL: Tol = { rtol: 1e-3, atol: 1e-4 };

export class Ctx {
  readonly name: string;
  readonly secondName: string;
  readonly skipped: { id: string; reason: string }[] = [];
  private readonly skipList: { prefix: string; reason: string; used: boolean }[];
  private readonly tolOverride: ConformanceOptions['tolerance'];
  private readonly ids = new Set<string>();

  constructor(readonly options: ConformanceOptions = {}) {
    this.name = options.name ?? 'conformance';
    this.secondName = `${this.name}#2`;
    this.tolOverride = options.tolerance ?? {};
    this.skipList = (options.skip ?? []).map((s) =>
      typeof s === 'string'
        ? { prefix: s, reason: `listed in runConformance({ skip }) as '${s}'`, used: false }
        : { prefix: s.id, reason: s.reason ?? `listed in runConformance({ skip }) as '${s.id}'`, used: false },
    );
  }

  /** Tolerance for a float output dtype, times `scale` (composite ops round more than once). */
  tol(dtype: DType, scale = 1): Tol {
    if (dtype !== 'float32' && dtype !== 'float16' && dtype !== 'bfloat16') return { rtol: 0, atol: 0 };
    const t = this.tolOverride?.[dtype] ?? DEFAULT_TOL[dtype];
    return { rtol: t.rtol * scale, atol: t.atol * scale };
  }

  gradTol(scale = 1): Tol {
    const t = this.tolOverride?.grad ?? DEFAULT_GRAD_TOL;
    return { rtol: t.rtol * scale, atol: t.atol * scale };
  }

  fixtureTol(t: Tol): Tol {
    const s = this.tolOverride?.fixtureScale ?? 1;
    return { rtol: t.rtol * s, atol: t.atol * s };
  }

  private skipReason(id: string): string | undefined {
    for (const s of this.skipList) {
      if (id === s.prefix || id.startsWith(s.prefix)) {
        s.used = true;
        return s.reason;
      }
    }
    return undefined;
  }

  /** Registers one case. Ids are unique; a skipped case is registered with it.skip and listed. */
  test(id: string, fn: () => unknown | Promise<unknown>, timeout?: number): void {
    if (this.ids.has(id)) throw new Error(`conformance: duplicate case id ${id}`);
    this.ids.add(id);
    const reason = this.skipReason(id);
    if (reason !== undefined) {
      this.skipped.push({ id, reason });
      it.skip(`${id}  [skipped: ${reason}]`, () => {});
      return;
    }
    it(id, fn, timeout ?? DEFAULT_TIMEOUT_MS);
  }

  /** Prints the skipped cases per skip entry (and entries that matched nothing) once registration is done. */
  report(): void {
    if (this.skipped.length) {
      const lines = this.skipList.filter((s) => s.used).map((s) => {
        const ids = this.skipped.filter((k) => k.id === s.prefix || k.id.startsWith(s.prefix)).map((k) => k.id);
        const list = ids.length <= 12 ? ids.join(', ') : `${ids.slice(0, 12).join(', ')}, ... (${ids.length - 12} more)`;
        return `  - '${s.prefix}': ${ids.length} case(s), reason: ${s.reason}\n      ${list}`;
      });
      console.warn(`[conformance:${this.name}] ${this.skipped.length} case(s) skipped:\n${lines.join('\n')}`);
    }
    const unused = this.skipList.filter((s) => !s.used).map((s) => s.prefix);
    if (unused.length) console.warn(`[conformance:${this.name}] skip entries that matched no case: ${unused.join(', ')}`);
  }

  get caseCount(): number {
    return this.ids.size;
  }
}
