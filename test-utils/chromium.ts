/**
 * Headless chromium for the backends' browser tests: bundle a test entry with esbuild, launch
 * chromium (playwright-core) on a fresh profile, open pages that set `globalThis.__result` or
 * `__error`. Shared by backend-wasm and backend-webgpu; each test keeps its own server and checks.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why chromium cannot run here, or null. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
}

/** One ESM bundle of `entry` for the browser, as text. */
export async function bundle(entry: string, extra: BuildOptions = {}): Promise<string> {
  const { build } = await import('esbuild');
  const r = await build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', write: false,
    target: 'es2022', logLevel: 'silent', ...extra,
  });
  return r.outputFiles![0]!.text;
}

export interface PageRun<R> { result?: R; error?: string; logs: string[] }

export interface Chromium {
  /** Opens `url`, waits for `__result` or `__error` (timeout ms), closes the page. */
  run<R>(url: string, timeoutMs: number): Promise<PageRun<R>>;
  close(): Promise<void>;
}

export async function launchChromium(extraArgs: readonly string[] = []): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'tessera-chromium-'));
  const { chromium } = await import('playwright-core');
  // A fresh profile per run (playwright passes it as --user-data-dir).
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...extraArgs],
  });
  return {
    async run<R>(url: string, timeoutMs: number): Promise<PageRun<R>> {
      const page = await browser.newPage();
      const logs: string[] = [];
      page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
      try {
        await page.goto(url);
        await page.waitForFunction(() => (globalThis as Record<string, unknown>).__result || (globalThis as Record<string, unknown>).__error, undefined, { timeout: timeoutMs });
        const error = await page.evaluate(() => (globalThis as Record<string, unknown>).__error as string | undefined);
        const result = await page.evaluate(() => (globalThis as Record<string, unknown>).__result as R | undefined);
        return { result, error, logs };
      } finally {
        await page.close();
      }
    },
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
