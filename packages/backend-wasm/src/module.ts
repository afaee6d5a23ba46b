/**
 * Finds, picks and instantiates the compiled module (dist/tessera*.wasm, built by
 * scripts/build-wasm.mjs). Node: synchronous (fs + new WebAssembly.Module), so getBackend() works
 * without await. Browsers: fetch + compile, async.
 */
import { BackendUnavailableError } from '@tessera/core';
import { nodeBuiltin } from './env.js';

export type Variant = 'tessera.wasm' | 'tessera-relaxed.wasm' | 'tessera-st.wasm';

/** Smallest module using a relaxed-SIMD op (f32x4.relaxed_madd), to probe support. */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 133, 2, 11,
]);

export function relaxedSimdSupported(): boolean {
  try { return WebAssembly.validate(RELAXED_PROBE); } catch { return false; }
}

export function pickVariant(threads: boolean): Variant {
  if (!threads) return 'tessera-st.wasm';
  return relaxedSimdSupported() ? 'tessera-relaxed.wasm' : 'tessera.wasm';
}

/** Next to this module in dist/; from src/ (tests run the sources) the built copy in ../dist. */
function candidates(name: Variant): URL[] {
  const here = import.meta.url;
  return [new URL(`./${name}`, here), new URL(`../dist/${name}`, here)];
}

function missing(name: string, why: string): BackendUnavailableError {
  return new BackendUnavailableError(
    `wasm: cannot load ${name} (${why}); build it with \`npm run build -w @tessera/backend-wasm\``,
  );
}

export function compileSync(name: Variant): WebAssembly.Module {
  const fs = nodeBuiltin<{ readFileSync(p: URL): Uint8Array<ArrayBuffer>; existsSync(p: URL): boolean }>('node:fs');
  if (!fs) throw missing(name, 'synchronous loading needs Node');
  for (const url of candidates(name)) {
    if (url.protocol === 'file:' && fs.existsSync(url)) return new WebAssembly.Module(fs.readFileSync(url));
  }
  throw missing(name, `not found at ${candidates(name).map(String).join(' or ')}`);
}

export async function compileAsync(name: Variant): Promise<WebAssembly.Module> {
  let last: unknown;
  for (const url of candidates(name)) {
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return await WebAssembly.compile(await res.arrayBuffer());
    } catch (e) {
      last = e;
    }
  }
  throw missing(name, String(last));
}

export const MAX_PAGES = 65536; // wasm32: 4 GiB

/** A memory for the module: shared when threads are on; the largest maximum the host accepts. */
export function createMemory(shared: boolean, initialPages: number): [WebAssembly.Memory, number] {
  let err: unknown;
  for (const maximum of [MAX_PAGES, 32768, 16384]) {
    try {
      return [new WebAssembly.Memory({ initial: initialPages, maximum, shared } as WebAssembly.MemoryDescriptor), maximum];
    } catch (e) {
      err = e;
    }
  }
  throw new BackendUnavailableError(`wasm: cannot create a WebAssembly.Memory: ${String(err)}`);
}

