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
  // settleMs: idle time after every timed run, so that one impl's threads still spinning after its
  // call (onnxruntime's pool keeps a core busy for >10 ms: measured, tessera-wasm 1024³ took 35.6 ms
  // right after an onnxruntime-web run and 25.5 ms after a 50 ms pause) do not slow the next impl.
  full: { maxWarmup: 3, warmupMs: 1000, minRuns: 5, minRunsSlow: 3, maxRuns: 30, budgetMs: 5000, maxRunMs: 10000, hangMs: 120000, settleMs: 50 },
  quick: { maxWarmup: 1, warmupMs: 0, minRuns: 2, minRunsSlow: 1, maxRuns: 3, budgetMs: 1000, maxRunMs: 3000, hangMs: 60000, settleMs: 0 },
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
 * First call (its output goes to `onFirst`, which checks it), then warm-up calls per the profile.
 * @returns {Promise<{firstMs: number, firstOut: ArrayLike<number>}>}
 */
export async function warmUp(runner, profile) {
  const t0 = performance.now();
  const firstOut = await withTimeout(runner.run(), profile.hangMs);
  const firstMs = performance.now() - t0;
  let warmups = 1;
  const start = performance.now();
  while (warmups < profile.maxWarmup && firstMs < profile.warmupMs && performance.now() - start < profile.warmupMs) {
    await withTimeout(runner.run(), profile.hangMs);
    warmups++;
  }
  return { firstMs, firstOut };
}

/**
 * Timed runs of several impls of one case, interleaved: each round calls every impl still running
 * once (rotating who goes first), so load that comes and goes on a shared machine hits all impls
 * alike and the ratios stay meaningful. Each impl stops after minRuns (minRunsSlow when its first
 * call took > 1 s) once its own timed total passes budgetMs, or at maxRuns.
 * @param {{runner, firstMs: number}[]} entries  filled in with times: number[] (and error on failure)
 */
export async function timedRounds(entries, profile) {
  for (const e of entries) e.times = [];
  const active = [...entries];
  for (let round = 0; active.length; round++) {
    const order = active.map((_, i) => active[(i + round) % active.length]);
    for (const e of order) {
      try {
        const t0 = performance.now();
        await withTimeout(e.runner.run(), profile.hangMs);
        e.times.push(performance.now() - t0);
      } catch (err) {
        e.error = err;
      }
      if (profile.settleMs) await new Promise((r) => setTimeout(r, profile.settleMs));
      const spent = e.times.reduce((a, b) => a + b, 0);
      const minRuns = e.firstMs > 1000 ? profile.minRunsSlow : profile.minRuns;
      if (e.error || e.times.length >= profile.maxRuns || (e.times.length >= minRuns && spent >= profile.budgetMs)) {
        active.splice(active.indexOf(e), 1);
      }
    }
  }
  for (const e of entries) {
    if (!e.error) Object.assign(e, { ms: median(e.times), minMs: Math.min(...e.times), runs: e.times.length });
  }
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
  const hasSamples = results.some((r) => r.samplesPerSec != null);
  const base = (impl, c) => results.find((r) => r.impl === impl && r.case === c && r.ms != null);
  const header = ['case', 'impl', 'median ms', 'min ms', 'runs', ...(hasFlops ? ['GFLOP/s'] : []),
    ...(hasSamples ? ['steps/s', suite.samplesLabel ?? 'samples/s'] : []),
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
      ...(hasSamples ? (r.samplesPerSec != null ? [(1000 / r.ms).toFixed(1), r.samplesPerSec.toFixed(0)] : ['—', '—']) : []),
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
  // one impl at two cases (the KV cache against recomputing, say)
  for (const [impl, c, vs, goal] of suite.caseHeadlines ?? []) {
    const a = get(impl, c), b = get(impl, vs);
    if (!a || !b) { out.push(`${impl} ${c} vs ${vs}: not measured`); continue; }
    const r = b.ms / a.ms;
    const verdict = goal == null ? '' : r >= goal ? `  (goal ≥${goal}×: met)` : `  (goal ≥${goal}×: NOT met)`;
    out.push(`${impl} ${c} vs ${vs}: ${r >= 1 ? `${fmtRatio(r)} faster` : `${fmtRatio(1 / r)} slower`} (${fmtMs(a.ms)} ms vs ${fmtMs(b.ms)} ms)${verdict}`);
  }
  for (const [impl, baseline, c, goal] of suite.headlines ?? []) {
    const a = get(impl, c), b = get(baseline, c);
    if (!a || !b) {
      out.push(`${impl} vs ${baseline} at ${c}: not measured (${!a ? impl : baseline} has no time)`);
      continue;
    }
    const r = b.ms / a.ms;
    const verdict = goal == null ? '' : r >= goal ? `  (goal ≥${goal}×: met)` : `  (goal ≥${goal}×: NOT met)`;
    const sps = a.samplesPerSec != null ? `; ${a.samplesPerSec.toFixed(0)} vs ${b.samplesPerSec.toFixed(0)} ${suite.samplesLabel ?? 'samples/s'}` : '';
    out.push(`${impl} vs ${baseline} at ${c}: ${r >= 1 ? `${fmtRatio(r)} faster` : `${fmtRatio(1 / r)} slower`} (${fmtMs(a.ms)} ms vs ${fmtMs(b.ms)} ms${sps})${verdict}`);
  }
  return out;
}
