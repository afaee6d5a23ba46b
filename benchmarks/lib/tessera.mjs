// Tessera adapters: one impl `tessera-<backend>` per backend registered in @tessera/core.
// Backend packages register themselves on import; every installed `@tessera/backend-*` package
// is imported, so a new backend shows up here without any change in benchmarks/.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Names of installed `@tessera/backend-*` packages (workspace links in node_modules/@tessera). */
function backendPackages() {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const scope = join(dir, 'node_modules', '@tessera');
    if (existsSync(scope)) {
      return readdirSync(scope).filter((d) => d.startsWith('backend-')).map((d) => `@tessera/${d}`).sort();
    }
    if (dirname(dir) === dir) return [];
  }
}

/** version field of the package.json above a resolved module file. */
function versionOf(spec) {
  for (let dir = dirname(fileURLToPath(import.meta.resolve(spec))); dirname(dir) !== dir; dir = dirname(dir)) {
    const f = join(dir, 'package.json');
    if (existsSync(f)) {
      const pkg = JSON.parse(readFileSync(f, 'utf8'));
      if (pkg.name === spec) return pkg.version;
    }
  }
  return '?';
}

/**
 * @returns {Promise<{adapters: object[], problems: {impl: string, reason: string}[]}>}
 */
export async function tesseraAdapters() {
  const problems = [];
  let core;
  try {
    core = await import('@tessera/core');
    if (typeof core.matmul !== 'function' || typeof core.listBackends !== 'function') {
      throw new Error('@tessera/core has no matmul / listBackends yet (is it built? `npm run build`)');
    }
  } catch (e) {
    return { adapters: [], problems: [{ impl: 'tessera-*', reason: `@tessera/core: ${e.message}` }] };
  }
  const pkgs = backendPackages();
  for (const pkg of pkgs) {
    try {
      await import(pkg);
    } catch (e) {
      problems.push({ impl: `tessera (${pkg})`, reason: `import failed: ${e.message.split('\n')[0]}` });
    }
  }
  const names = core.listBackends().map((b) => (typeof b === 'string' ? b : b.name));
  if (!names.length) {
    problems.push({ impl: 'tessera-*', reason: `no backend registered after importing ${pkgs.join(', ') || 'no @tessera/backend-* package'}` });
  }
  const version = versionOf('@tessera/core');
  return { adapters: names.map((n) => tesseraAdapter(core, n, version)), problems };
}

function tesseraAdapter(T, backend, version) {
  const opts = { backend };
  // Each runner computes, reads back with `await t.data()`, and frees what it made. Ops follow their
  // inputs' backend; the global one is selected too (runs of impls are interleaved) for any
  // constant an op may create.
  const runner = (inputs, compute) => ({
    async run() {
      if (T.getBackend().name !== backend) await T.setBackend(backend);
      const y = compute();
      const out = await y.data();
      y.dispose();
      return out;
    },
    dispose() { for (const t of inputs) t.dispose(); },
  });
  return {
    name: `tessera-${backend}`,
    async setup() {
      const b = await T.setBackend(backend);
      await b.whenThreadsReady?.(); // wasm starts its workers in the background
      const info = b.info ?? {};
      const threads = info.threads ?? info.numThreads;
      const notes = Object.entries(info).filter(([k]) => !['threads', 'numThreads'].includes(k))
        .map(([k, v]) => (k === 'description' ? String(v) : `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`)).join('; ');
      return { version: `@tessera/core ${version}`, threads, notes };
    },
    ops: {
      async matmul({ m, k, n }, { a, b }) {
        await T.setBackend(backend);
        const A = T.tensor(a, { shape: [m, k], ...opts }), B = T.tensor(b, { shape: [k, n], ...opts });
        return runner([A, B], () => T.matmul(A, B));
      },
      async softmax({ rows, cols }, { x }) {
        await T.setBackend(backend);
        const X = T.tensor(x, { shape: [rows, cols], ...opts });
        return runner([X], () => T.softmax(X, -1));
      },
      async layerNorm({ rows, cols, eps }, { x, weight, bias }) {
        await T.setBackend(backend);
        const X = T.tensor(x, { shape: [rows, cols], ...opts });
        const W = T.tensor(weight, { shape: [cols], ...opts }), B = T.tensor(bias, { shape: [cols], ...opts });
        return runner([X, W, B], () => T.layerNorm(X, [cols], W, B, eps));
      },
      async gelu({ n }, { x }) {
        await T.setBackend(backend);
        const X = T.tensor(x, { shape: [n], ...opts });
        return runner([X], () => T.gelu(X, { approximate: 'none' }));
      },
    },
    async teardown() {},
  };
}
