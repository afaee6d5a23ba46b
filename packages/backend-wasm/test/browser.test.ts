/**
 * Browser check: bundles the BUILT dist of @tessera/core + @tessera/backend-wasm with esbuild, serves
 * it (and dist/*.wasm next to the bundle, where `new URL('./x.wasm', import.meta.url)` looks) from
 * 127.0.0.1, and runs ops plus a small AdamW training loop in headless chromium on two pages: a plain
 * one (no SharedArrayBuffer: one thread, and info says why) and a cross-origin-isolated one (COOP +
 * COEP: SharedArrayBuffer, Web Workers from a Blob URL on one shared memory; the main thread may not
 * Atomics.wait, so the pool spin-waits there). Skips when chromium or the build is missing; fails
 * instead in CI (CI=true) or with TESSERA_REQUIRE_WEBGPU=1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, chromiumMissing, launchChromium } from '../../../test-utils/chromium.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const DIST = here('../dist/');
const WASM = ['tessera.wasm', 'tessera-relaxed.wasm', 'tessera-st.wasm'];
const CORE_DIST = here('../../core/dist/index.js');

const why = chromiumMissing()
  ?? (![join(DIST, 'index.js'), CORE_DIST, ...WASM.map((f) => join(DIST, f))].every(existsSync)
    ? 'core / backend-wasm not built (npm run build -w @tessera/core -w @tessera/backend-wasm)'
    : null);
const required = process.env.CI === 'true' || process.env.TESSERA_REQUIRE_WEBGPU === '1';
if (why && required) throw new Error(`browser test required (CI=true or TESSERA_REQUIRE_WEBGPU=1) but ${why}`);
if (why) console.warn(`[backend-wasm] skipping browser tests: ${why}`);

/** `/plain/` and `/coi/` (COOP + COEP on every response): index.html, bundle.js, the .wasm files. */
function serve(js: string): Promise<[Server, number]> {
  const html = '<!doctype html><meta charset="utf-8"><script type="module" src="./bundle.js"></script>';
  const wasm = new Map(WASM.map((f) => [f, readFileSync(join(DIST, f))]));
  const server = createServer((req, res) => {
    const m = /^\/(plain|coi)\/([\w.-]*)$/.exec(req.url ?? '');
    const headers: Record<string, string> = m?.[1] === 'coi'
      ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
    const file = m?.[2];
    if (file === '' || file === 'index.html') res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(html);
    else if (file === 'bundle.js') res.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(js);
    else if (file && wasm.has(file)) res.writeHead(200, { ...headers, 'content-type': 'application/wasm' }).end(wasm.get(file));
    else res.writeHead(404, headers).end();
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok([server, (server.address() as { port: number }).port])));
}

interface PageResult {
  crossOriginIsolated: boolean; sab: boolean; hardwareConcurrency: number; name: string; same: boolean;
  info: { description: string; threads: number; variant: string; threadsUnavailable?: string };
  threadsReady: boolean;
  matmul: number; softmax: number; layerNorm: number; matmulBig: number; softmaxBig: number; layerNormBig: number;
  losses: number[]; poolJobs: number | null;
}

describe.skipIf(!!why)('wasm in headless chromium', () => {
  const cleanup: (() => unknown)[] = [];
  let port = 0;
  let open: (path: string) => Promise<PageResult>;

  beforeAll(async () => {
    // the entry bundled against the packages' dist (resolved through node_modules/@tessera/*)
    const [server, p] = await serve(await bundle(here('./browser/entry.ts')));
    port = p;
    cleanup.push(() => new Promise((ok) => server.close(ok)));
    const browser = await launchChromium();
    cleanup.push(() => browser.close());
    open = async (path) => {
      const { result, error, logs } = await browser.run<PageResult>(`http://127.0.0.1:${port}${path}`, 30_000);
      if (error) throw new Error(`${path}: ${error}\n${logs.join('\n')}`);
      return result!;
    };
  }, 60_000);
  afterAll(async () => { for (const f of cleanup.reverse()) await f(); });

  function checkOps(r: PageResult): void {
    expect(r.name).toBe('wasm');
    expect(r.same).toBe(true); // getBackend() is the backend setBackend resolved to
    for (const k of ['matmul', 'softmax', 'layerNorm', 'matmulBig', 'softmaxBig', 'layerNormBig'] as const) {
      expect(r[k], k).toBeLessThan(1e-5);
    }
    expect(r.losses).toHaveLength(5);
    expect(r.losses.every(Number.isFinite)).toBe(true);
    for (let i = 1; i < 5; i++) expect(r.losses[i], `loss ${i}`).toBeLessThan(r.losses[i - 1]!);
  }

  it('plain page: single-threaded, says why; ops and training correct', async () => {
    const r = await open('/plain/');
    console.log(`[backend-wasm] plain page: ${r.info.description}`);
    expect(r.crossOriginIsolated).toBe(false);
    expect(r.sab).toBe(false);
    expect(r.info.threads).toBe(1);
    expect(r.info.variant).toBe('tessera-st.wasm');
    expect(r.info.threadsUnavailable).toMatch(/SharedArrayBuffer is unavailable/);
    expect(r.info.description).toMatch(/1 thread \(single-threaded: SharedArrayBuffer is unavailable/);
    expect(r.threadsReady).toBe(false);
    expect(r.poolJobs).toBeNull();
    checkOps(r);
  }, 30_000);

  it('cross-origin-isolated page: workers on shared memory; ops and training correct', async () => {
    const r = await open('/coi/');
    console.log(`[backend-wasm] cross-origin-isolated page: ${r.info.description} (hardwareConcurrency ${r.hardwareConcurrency}, workers ready: ${r.threadsReady}, pool jobs: ${r.poolJobs})`);
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.sab).toBe(true);
    // env.ts: threads are on wherever SharedArrayBuffer and Worker exist; default = hardwareConcurrency.
    expect(r.info.threadsUnavailable).toBeUndefined();
    expect(r.info.threads).toBe(Math.max(1, r.hardwareConcurrency));
    expect(r.info.variant).toMatch(/^tessera(-relaxed)?\.wasm$/);
    if (r.info.threads > 1) {
      expect(r.threadsReady).toBe(true); // setBackend awaited the Blob-URL workers
      expect(r.poolJobs).toBeGreaterThan(0); // the big ops really ran on the pool
    }
    checkOps(r);
  }, 30_000);
});
