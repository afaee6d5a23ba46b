// Mutators and the accounting shared by the fuzz suites: every call either succeeds or throws a
// TokenizerError with a code; anything else (TypeError, RangeError, a plain Error) is recorded.
import { TokenizerError } from '../src/index.js';
import { mulberry32 } from '../src/models/model.js';

export type Rng = () => number;
export const seeded = (seed: number): Rng => mulberry32(seed);
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
export const int = (rng: Rng, n: number): number => Math.floor(rng() * n);

export interface Tally { cases: number; ok: number; typed: number; untyped: string[]; codes: Map<string, number>; slowest: [number, string] }
export const tally = (): Tally => ({ cases: 0, ok: 0, typed: 0, untyped: [], codes: new Map(), slowest: [0, ''] });
/** A case slower than this counts as a hang. */
export const HANG_MS = 10_000;

/** Run one case; record whether it succeeded, threw typed, or threw anything else. */
export function runCase(t: Tally, label: string, f: () => unknown): void {
  t.cases++;
  const t0 = performance.now();
  try { f(); t.ok++; } catch (e) {
    if (e instanceof TokenizerError && typeof e.code === 'string' && e.code.length > 0 && e.message.length > 0 && e.message.length < 2000) {
      t.typed++;
      t.codes.set(e.code, (t.codes.get(e.code) ?? 0) + 1);
    } else {
      const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      if (t.untyped.length < 20) t.untyped.push(`${label}: ${msg.slice(0, 300)}`);
      else t.untyped.length++;
    }
  } finally {
    const ms = performance.now() - t0;
    if (ms > t.slowest[0]) t.slowest = [ms, label.slice(0, 200)];
    if (ms > HANG_MS) t.untyped.push(`${label.slice(0, 200)}: took ${ms.toFixed(0)} ms (a hang)`);
  }
}

export const report = (name: string, t: Tally): string =>
  `${name}: ${t.cases} cases, ${t.ok} loaded/ran, ${t.typed} typed errors (${[...t.codes].map(([c, n]) => `${c} ${n}`).join(', ')}), ${t.untyped.length} untyped; slowest ${t.slowest[0].toFixed(0)} ms (${t.slowest[1].slice(0, 80)})`;

/** Odd values to put where a field or an argument was. */
export const ODD_VALUES: unknown[] = [
  null, undefined, 0, -1, 1.5, NaN, Infinity, -Infinity, 1e308, 2 ** 53 + 2, -(2 ** 31), '', 'x', '\u0000', 'A'.repeat(5000),
  true, false, [], [null], [1, 2], ['a', 'b', 'c'], {}, { a: null }, { type: null }, { Fixed: -3 }, [[null]],
  Symbol('s'), () => 1, new Uint8Array(3), new Map(), 10n,
];
/** JSON-representable odd values (for files). */
export const ODD_JSON: unknown[] = [
  null, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, 4294967296, '', 'x', '\u0000', 'A'.repeat(3000), true, false,
  [], [null], [1, 2], ['a', 'b'], [['a', 1]], {}, { a: null }, { type: null }, { type: 'Sequence' }, { String: 1 }, { Regex: '(' },
  { id: null, ids: null, tokens: null }, { SpecialToken: null }, { Sequence: { id: 'C', type_id: -1 } },
];

type Path = Array<string | number>;
/** Paths of the nodes of a JSON value; large arrays and objects contribute only a few sampled children. */
export function jsonPaths(v: unknown, rng: Rng, path: Path = [], out: Path[] = [], depth = 0): Path[] {
  out.push(path);
  if (depth > 12 || v === null || typeof v !== 'object') return out;
  const keys: Array<string | number> = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  let chosen = keys;
  if (keys.length > 24) {
    const s = new Set<string | number>([keys[0]!, keys[1]!, keys[keys.length - 1]!]);
    for (let i = 0; i < 4; i++) s.add(pick(rng, keys));
    chosen = [...s];
  }
  for (const k of chosen) jsonPaths((v as Record<string | number, unknown>)[k], rng, [...path, k], out, depth + 1);
  return out;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> | null {
  let cur = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]!] as Record<string | number, unknown>;
  return cur && typeof cur === 'object' ? cur : null;
}

/** One structural edit of a parsed file, in place: delete, replace, duplicate or reshape a field. */
export function mutateJson(root: Record<string, unknown>, rng: Rng): string {
  const paths = jsonPaths(root, rng).filter((p) => p.length > 0);
  const path = pick(rng, paths);
  const parent = parentOf(root, path)!;
  const key = path[path.length - 1]!;
  const where = path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k.slice(0, 20)}`)).join('');
  const r = rng();
  if (r < 0.2) {
    if (Array.isArray(parent)) parent.splice(key as number, 1); else delete parent[key];
    return `delete ${where}`;
  }
  if (r < 0.75) {
    const v = pick(rng, ODD_JSON);
    parent[key] = v;
    return `set ${where} = ${JSON.stringify(v)?.slice(0, 30)}`;
  }
  if (r < 0.85) {
    const cur = parent[key];
    if (Array.isArray(cur) && cur.length) { cur.push(cur[int(rng, cur.length)]); cur.reverse(); return `duplicate+reverse ${where}`; }
    parent[key] = [cur];
    return `wrap ${where}`;
  }
  // move a value from elsewhere in the file (a right shape in the wrong place)
  const other = pick(rng, paths);
  const op = parentOf(root, other);
  const v = op ? op[other[other.length - 1]!] : null;
  parent[key] = v === undefined ? null : JSON.parse(JSON.stringify(v ?? null).slice(0, 1_000_000) || 'null');
  return `graft ${where}`;
}

/** Textual edits of JSON: truncation, a duplicate key (the last one wins), odd numbers. */
export function mutateJsonText(text: string, rng: Rng): string {
  const r = rng();
  if (r < 0.3) return text.slice(0, int(rng, text.length));
  if (r < 0.7) {
    // a duplicate key before a closing brace, so it overrides the earlier one
    const keys = ['type', 'model', 'vocab', 'merges', 'ids', 'tokens', 'id', 'content', 'special_tokens', 'single', 'pair', 'pretokenizers', 'normalizers', 'decoders', 'unk_id', 'unk_token', 'max_length', 'strategy', 'added_tokens', 'post_processor', 'padding', 'truncation', 'pattern', 'behavior', 'replacement', 'prepend_scheme', 'type_id', 'sep', 'cls'];
    for (let tries = 0; tries < 20; tries++) {
      const at = text.indexOf('}', int(rng, text.length));
      if (at < 0) continue;
      const before = text.slice(0, at).trimEnd();
      const comma = before.endsWith('{') ? '' : ',';
      return `${before}${comma} ${JSON.stringify(pick(rng, keys))}: ${JSON.stringify(pick(rng, ODD_JSON))}${text.slice(at)}`;
    }
    return text;
  }
  // replace a number literal with a huge, tiny, negative or fractional one
  const re = /-?\d+(\.\d+)?([eE][-+]?\d+)?/g;
  const start = int(rng, text.length);
  re.lastIndex = start;
  const m = re.exec(text);
  if (!m) return text;
  const repl = pick(rng, ['1e400', '-1e400', '1e-400', '123456789012345678901234567890', '-7', '0.5', '-0', '4294967296']);
  return text.slice(0, m.index) + repl + text.slice(m.index + m[0].length);
}

/** Byte edits of a binary or text file: flips, random bytes, truncation, a deleted or repeated run. */
export function mutateBytes(b: Uint8Array, rng: Rng): Uint8Array {
  const r = rng();
  if (r < 0.25) return b.slice(0, int(rng, b.length + 1));
  const out = Uint8Array.from(b);
  if (r < 0.7) {
    const n = 1 + int(rng, 8);
    for (let k = 0; k < n; k++) {
      const i = rng() < 0.5 ? int(rng, Math.min(out.length, 4096)) : int(rng, out.length);
      out[i] = rng() < 0.5 ? out[i]! ^ (1 << int(rng, 8)) : int(rng, 256);
    }
    return out;
  }
  const a = int(rng, b.length), len = 1 + int(rng, 64);
  if (r < 0.85) return Uint8Array.from([...b.subarray(0, a), ...b.subarray(Math.min(b.length, a + len))]);
  return Uint8Array.from([...b.subarray(0, a + len), ...b.subarray(a, Math.min(b.length, a + len)), ...b.subarray(Math.min(b.length, a + len))]);
}

/** Random strings: ASCII, whitespace, BMP, astral, lone surrogates, specials. */
export function randomText(rng: Rng, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const r = rng();
    if (r < 0.45) s += String.fromCharCode(32 + int(rng, 95));
    else if (r < 0.55) s += pick(rng, [' ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u200b', '\ufeff']);
    else if (r < 0.75) s += String.fromCodePoint(0x80 + int(rng, 0xd000));
    else if (r < 0.85) s += String.fromCodePoint(0x10000 + int(rng, 0x100000));
    else if (r < 0.9) s += String.fromCharCode(0xd800 + int(rng, 0x800)); // lone surrogate
    else s += pick(rng, ['<|endoftext|>', '[CLS]', '[SEP]', '[MASK]', '</s>', '<extra_id_0>', '<unk>', '##', '\u2581', '<0x41>']);
  }
  return s;
}
