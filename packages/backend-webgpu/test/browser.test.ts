/**
 * Browser subset: bundles the backend with esbuild, serves it from 127.0.0.1, and runs ops plus a
 * tiny training step in headless chromium (WebGPU on SwiftShader). Skips when chromium is absent.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const why = existsSync(CHROMIUM) ? null : `no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (why && process.env.TESSERA_REQUIRE_WEBGPU === '1') throw new Error(`TESSERA_REQUIRE_WEBGPU=1 but ${why}`);
if (why) console.warn(`[backend-webgpu] skipping browser tests: ${why}`);

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

async function bundle(): Promise<string> {
  const { build } = await import('esbuild');
  const r = await build({
    entryPoints: [here('./browser/entry.ts')], bundle: true, format: 'esm', platform: 'browser', write: false,
    target: 'es2022', logLevel: 'silent',
    // core's package.json says sideEffects: false, yet `import './methods.js'` installs Tensor methods
    // that core itself calls: honouring the flag would drop them (reported to core).
    ignoreAnnotations: true, alias: { '@tessera/core': here('../../core/src/index.ts') },
  });
  return r.outputFiles[0]!.text;
}

function serve(js: string): Promise<[Server, number]> {
  const html = '<!doctype html><meta charset="utf-8"><script type="module" src="/bundle.js"></script>';
  const server = createServer((req, res) => {
    const isJs = req.url === '/bundle.js';
    res.writeHead(200, { 'content-type': isJs ? 'text/javascript' : 'text/html' });
    res.end(isJs ? js : html);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok([server, (server.address() as { port: number }).port])));
}

describe.skipIf(!!why)('webgpu in headless chromium', () => {
  const cleanup: (() => unknown)[] = [];
  afterAll(async () => { for (const f of cleanup.reverse()) await f(); });

  it('runs ops and a training step, results match', async () => {
    const [server, port] = await serve(await bundle());
    cleanup.push(() => new Promise((ok) => server.close(ok)));
    const profile = mkdtempSync(join(tmpdir(), 'tessera-chromium-'));
    cleanup.push(() => rmSync(profile, { recursive: true, force: true }));
    const { chromium } = await import('playwright-core');
    // A fresh profile per run (playwright passes it as --user-data-dir).
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu-sandbox', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
        '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader'],
    });
    cleanup.push(() => browser.close());
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (globalThis as any).__result || (globalThis as any).__error, undefined, { timeout: 90_000 });
    const error = await page.evaluate(() => (globalThis as any).__error);
    expect(error).toBeUndefined();
    const r = await page.evaluate(() => (globalThis as any).__result);
    console.log(`[backend-webgpu] browser adapter: ${r.description}`);
    expect(r.matmul).toEqual([7, 10, 15, 22]);
    const e = [1, 2, 3].map(Math.exp), s = e[0]! + e[1]! + e[2]!;
    r.softmax.forEach((v: number, i: number) => expect(v).toBeCloseTo(e[i]! / s, 6));
    expect(r.sumAxis).toEqual([3, 7]);
    expect(r.exp[1]).toBeCloseTo(Math.E, 5);
    expect(r.uniform).toHaveLength(4);
    expect(r.syncError).toBe('ERR_SYNC_READ');
    expect(r.losses.at(-1)).toBeLessThan(r.losses[0]);
  }, 120_000);
});
