// Deterministic inputs and float64 references shared by suites.

/** mulberry32: small, fast, seeded; every impl gets the very same inputs. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Float32Array of n uniform values in [lo, hi). */
export function uniform(n, seed, lo = -1, hi = 1) {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/** erf in float64: Maclaurin series for |x| < 3 (error ~1e-14), continued fraction for erfc beyond. */
export function erf(x) {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = ax, sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * sum * 2 / Math.sqrt(Math.PI);
  }
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + 2/(x + ...)))))
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + (k / 2) / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

export const gelu = (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));

/**
 * Compares `got` with `want` (float64 values) at the given indices; returns the worst error
 * relative to atol + rtol*|want| (ok when <= 1).
 */
export function compare(got, wantAt, indices, { atol, rtol }) {
  let worst = 0, where = -1, gotW = 0, wantW = 0;
  for (const i of indices) {
    const w = wantAt(i), g = got[i];
    const e = Number.isFinite(g) ? Math.abs(g - w) / (atol + rtol * Math.abs(w)) : Infinity;
    if (!(e <= worst)) { worst = e; where = i; gotW = g; wantW = w; }
  }
  return { ok: worst <= 1, score: worst, detail: worst <= 1 ? '' : `at [${where}] got ${gotW}, want ${wantW}` };
}

/** `count` indices spread over [0, n): first, last and seeded random ones. */
export function sampleIndices(n, count, seed = 7) {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  const r = rng(seed);
  const out = [0, n - 1];
  while (out.length < count) out.push(Math.floor(r() * n));
  return out;
}
