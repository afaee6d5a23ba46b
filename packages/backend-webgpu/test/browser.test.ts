/**
 * Browser subset: bundles the backend with esbuild, serves it from 127.0.0.1, and runs ops plus a
 * tiny training step in headless chromium (WebGPU on SwiftShader). Skips when chromium is absent.
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle, chromiumMissing, launchChromium } from '../../../test-utils/chromium.js';

const why = chromiumMissing();
if (why && process.env.TESSERA_REQUIRE_WEBGPU === '1') throw new Error(`TESSERA_REQUIRE_WEBGPU=1 but ${why}`);
if (why) console.warn(`[backend-webgpu] skipping browser tests: ${why}`);

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

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
    // core's source, not its dist: the test must not depend on core having been built
    const js = await bundle(here('./browser/entry.ts'), { alias: { '@tessera/core': here('../../core/src/index.ts') } });
    const [server, port] = await serve(js);
    cleanup.push(() => new Promise((ok) => server.close(ok)));
    const browser = await launchChromium(['--disable-gpu-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan',
      '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader']);
    cleanup.push(() => browser.close());
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page reports a free-form object
    const { result, error } = await browser.run<any>(`http://127.0.0.1:${port}/`, 90_000);
    expect(error).toBeUndefined();
    const r = result;
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
