// Timing and printing. Times are wall-clock of one call that computes AND reads the result back
// into a JS typed array; the reported figure is the median of the timed runs after warm-up.

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

export const PROFILES = {
  // warm-up: at least 1 run, more while under warmupMs (at most maxWarmup);
  // timed: minRuns (minRunsSlow when one run takes > 1 s), then more while under budgetMs, at most maxRuns.
  // maxRunMs: a case whose run is projected to take longer (from the impl's speed on the previous,
  // smaller case) is skipped, and the table says so. hangMs: a call that has not returned by then
  // fails the cell, and the impl is not run again in this process.
  full: { maxWarmup: 3, warmupMs: 1000, minRuns: 5, minRunsSlow: 3, maxRuns: 30, budgetMs: 5000, maxRunMs: 10000, hangMs: 120000 },
  quick: { maxWarmup: 1, warmupMs: 0, minRuns: 2, minRunsSlow: 1, maxRuns: 3, budgetMs: 1000, maxRunMs: 3000, hangMs: 60000 },
};

export class HangError extends Error {}

/** Rejects with HangError when `promise` has not settled after `ms` (a hung worker pool, say). */
export function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new HangError(`no result after ${ms / 1000} s (hung?)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `runner.run()` per the profile. `onFirst(out)` checks the first output (throws to abort).
 * @returns {Promise<{ms: number, minMs: number, runs: number, warmups: number}>}
 */
export async function measure(runner, profile, onFirst) {
  const t = () => performance.now();
  const call = () => withTimeout(runner.run(), profile.hangMs);
  let t0 = t();
  const first = await call();
  const firstMs = t() - t0;
  onFirst(first);
  let warmups = 1;
  const warmStart = t();
  while (warmups < profile.maxWarmup && firstMs < profile.warmupMs && t() - warmStart < profile.warmupMs) {
    await call();
    warmups++;
  }
  const times = [];
  const minRuns = firstMs > 1000 ? profile.minRunsSlow : profile.minRuns;
  const start = t();
  while (times.length < minRuns || (times.length < profile.maxRuns && t() - start < profile.budgetMs)) {
    t0 = t();
    await call();
    times.push(t() - t0);
  }
  return { ms: median(times), minMs: Math.min(...times), runs: times.length, warmups };
}

const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
const fmtRatio = (r) => (r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)) + '×';

/** Plain-text table; `rows` are {cells: string[]}; column 0..n alignment: text left, numbers right. */
export function table(header, rows, rightAligned) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * @param {object} suite the suite module
 * @param {{impl, case, ms?, minMs?, runs?, gflops?, note?}[]} results measured and skipped rows, in order
 */
export function resultsTable(suite, results) {
  const hasFlops = results.some((r) => r.gflops != null);
  const base = (impl, c) => results.find((r) => r.impl === impl && r.case === c && r.ms != null);
  const header = ['case', 'impl', 'median ms', 'min ms', 'runs', ...(hasFlops ? ['GFLOP/s'] : []),
    ...suite.baselines.map((b) => `× vs ${b}`), 'note'];
  const right = header.map((h, i) => i >= 2 && h !== 'note');
  const rows = results.map((r) => {
    const measured = r.ms != null;
    return [
      r.case, r.impl,
      measured ? fmtMs(r.ms) : '—',
      measured ? fmtMs(r.minMs) : '—',
      measured ? String(r.runs) : '—',
      ...(hasFlops ? [r.gflops != null ? r.gflops.toFixed(r.gflops >= 10 ? 1 : 2) : '—'] : []),
      ...suite.baselines.map((b) => {
        const bl = base(b, r.case);
        return measured && bl ? fmtRatio(bl.ms / r.ms) : '—';
      }),
      r.note ?? '',
    ];
  });
  return table(header, rows, right);
}

export function headlineLines(suite, results) {
  const get = (impl, c) => results.find((r) => r.impl === impl && r.case === c && r.ms != null);
  const out = [];
  for (const [impl, baseline, c, goal] of suite.headlines ?? []) {
    const a = get(impl, c), b = get(baseline, c);
    if (!a || !b) {
      out.push(`${impl} vs ${baseline} at ${c}: not measured (${!a ? impl : baseline} has no time)`);
      continue;
    }
    const r = b.ms / a.ms;
    const verdict = goal == null ? '' : r >= goal ? `  (goal ≥${goal}×: met)` : `  (goal ≥${goal}×: NOT met)`;
    out.push(`${impl} vs ${baseline} at ${c}: ${r >= 1 ? `${fmtRatio(r)} faster` : `${fmtRatio(1 / r)} slower`} (${fmtMs(a.ms)} ms vs ${fmtMs(b.ms)} ms)${verdict}`);
  }
  return out;
}
