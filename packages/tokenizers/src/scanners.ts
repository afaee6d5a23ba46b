// Hand-written scanners that split text exactly as the GPT-2 (r50k/p50k) and cl100k
// pre-tokenizer regexes do (leftmost-first alternation, Rust `\s` = Unicode White_Space).
// They push the END offset of every piece into `ends` (the first piece starts at 0).
import { cls, C_L, C_N, C_WS } from './unicode.js';

const ASCII = new Uint8Array(128);
for (let i = 0; i < 128; i++) ASCII[i] = cls(i) & 0xff;
const LNW = C_L | C_N | C_WS;

/** Class bits and width (1 or 2 units) of the code point at j, packed as bits | width << 16. */
function clsw(s: string, j: number): number {
  const c = s.charCodeAt(j);
  if (c < 128) return ASCII[c]! | 0x10000;
  if (c >= 0xd800 && c <= 0xdbff && j + 1 < s.length) {
    const d = s.charCodeAt(j + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return (cls(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000) & 0xffff) | 0x20000;
  }
  return (cls(c) & 0xffff) | 0x10000;
}

function runL(s: string, j: number, n: number): number {
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c < 128) { if ((ASCII[c]! & C_L) === 0) break; j++; continue; }
    const f = clsw(s, j);
    if ((f & C_L) === 0) break;
    j += f >>> 16;
  }
  return j;
}
function runN(s: string, j: number, n: number, max: number): number {
  let k = 0;
  while (j < n && k < max) {
    const f = clsw(s, j);
    if ((f & C_N) === 0) break;
    j += f >>> 16; k++;
  }
  return j;
}
function runOther(s: string, j: number, n: number): number {
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c < 128) { if ((ASCII[c]! & LNW) !== 0) break; j++; continue; }
    const f = clsw(s, j);
    if ((f & LNW) !== 0) break;
    j += f >>> 16;
  }
  return j;
}
function runWS(s: string, j: number, n: number): number {
  // every White_Space code point is in the BMP
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c < 128) { if ((ASCII[c]! & C_WS) === 0) break; } else if ((cls(c) & C_WS) === 0) break;
    j++;
  }
  return j;
}

/** `'s|'t|'re|'ve|'m|'ll|'d` at i (s[i] is an apostrophe); returns the end or -1. */
function contraction(s: string, i: number, n: number, ci: boolean): number {
  if (i + 1 >= n) return -1;
  let a = s.charCodeAt(i + 1);
  if (ci) { if (a >= 65 && a <= 90) a += 32; else if (a === 0x17f) a = 115; }
  if (a === 115 || a === 116 || a === 109 || a === 100) return i + 2;
  if (i + 2 >= n) return -1;
  let b = s.charCodeAt(i + 2);
  if (ci && b >= 65 && b <= 90) b += 32;
  if ((a === 114 && b === 101) || (a === 118 && b === 101) || (a === 108 && b === 108)) return i + 3;
  return -1;
}

/** `\s+(?!\S)|\s+` at i (s[i] is white space). */
function wsTail(s: string, i: number, n: number): number {
  const j = runWS(s, i, n);
  if (j === n || j - 1 === i) return j;
  return j - 1;
}

/** GPT-2 / r50k / p50k: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` */
export function scanGpt2(s: string, start: number, n: number, ends: number[]): void {
  let i = start;
  while (i < n) {
    const c = s.charCodeAt(i);
    let j: number;
    if (c === 39 && (j = contraction(s, i, n, false)) > 0) { ends.push(i = j); continue; }
    let k = i;
    let f = c < 128 ? ASCII[c]! : clsw(s, i);
    if (c === 32 && i + 1 < n) {
      const g = clsw(s, i + 1);
      if ((g & LNW) !== C_WS && (g & C_WS) === 0) { k = i + 1; f = g; }
    }
    if (f & C_L) j = runL(s, k, n);
    else if (f & C_N) j = runN(s, k, n, Infinity);
    else if ((f & C_WS) === 0) j = runOther(s, k, n);
    else j = wsTail(s, i, n);
    ends.push(i = j);
  }
}

/** cl100k: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+` */
export function scanCl100k(s: string, start: number, n: number, ends: number[]): void {
  let i = start;
  while (i < n) {
    const c = s.charCodeAt(i);
    let j: number;
    if (c === 39 && (j = contraction(s, i, n, true)) > 0) { ends.push(i = j); continue; }
    const fw = clsw(s, i);
    const w = fw >>> 16;
    if (fw & C_L) { ends.push(i = runL(s, i + w, n)); continue; }
    if ((fw & C_N) === 0 && c !== 13 && c !== 10 && i + w < n && (clsw(s, i + w) & C_L)) {
      ends.push(i = runL(s, i + w, n)); continue;
    }
    if (fw & C_N) { ends.push(i = runN(s, i, n, 3)); continue; }
    let k = i;
    if (c === 32 && i + 1 < n && (clsw(s, i + 1) & LNW) === 0) k = i + 1;
    if ((clsw(s, k) & LNW) === 0) {
      j = runOther(s, k, n);
      while (j < n) { const d = s.charCodeAt(j); if (d !== 13 && d !== 10) break; j++; }
      ends.push(i = j); continue;
    }
    // white space at i
    const e = runWS(s, i, n);
    let last = -1;
    for (let p = e - 1; p >= i; p--) { const d = s.charCodeAt(p); if (d === 13 || d === 10) { last = p; break; } }
    if (last >= 0) { ends.push(i = last + 1); continue; }
    ends.push(i = (e === n || e - 1 === i) ? e : e - 1);
  }
}

export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
export const R50K_PATTERN = "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
export const CL100K_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
// the variant HF writes into tokenizer.json for cl100k-style models
export const CL100K_PATTERN_HF = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
export const O200K_PATTERN = [
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
  "\\p{N}{1,3}",
  " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
  "\\s*[\\r\\n]+",
  "\\s+(?!\\S)",
  "\\s+",
].join('|');

const RUST_WS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/**
 * Translate a Rust/Oniguruma-style pattern to a JS RegExp (flags `gu`): `\s`/`\S` get Unicode
 * White_Space semantics and `(?i:...)` groups are expanded to case-insensitive character classes.
 */
export function toJsRegExp(pattern: string): RegExp {
  let out = '';
  let inClass = false;
  let ci = 0; // depth of (?i: groups
  const depth: boolean[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const nx = pattern[i + 1] ?? '';
      if (nx === 's') out += inClass ? RUST_WS : `[${RUST_WS}]`;
      else if (nx === 'S') out += inClass ? '' : `[^${RUST_WS}]`;
      else if (nx === 'p' || nx === 'P') {
        const close = pattern.indexOf('}', i);
        out += pattern.slice(i, close + 1);
        i = close;
        continue;
      } else out += ch + nx;
      i++;
      continue;
    }
    if (inClass) { if (ch === ']') inClass = false; out += ch; continue; }
    if (ch === '[') { inClass = true; out += ch; if (pattern[i + 1] === '^') { out += '^'; i++; } continue; }
    if (ch === '(' && pattern.startsWith('(?i:', i)) { depth.push(true); ci++; out += '(?:'; i += 3; continue; }
    if (ch === '(') { depth.push(false); out += ch; continue; }
    if (ch === ')') { if (depth.pop()) ci--; out += ch; continue; }
    if (ci > 0 && /[a-zA-Z]/.test(ch)) {
      const lo = ch.toLowerCase(), up = ch.toUpperCase();
      out += lo === 's' ? '[sS\\u017f]' : lo === 'k' ? '[kK\\u212a]' : `[${lo}${up}]`;
      continue;
    }
    out += ch;
  }
  return new RegExp(out, 'gu');
}

/** Split with a RegExp: pushes the end offsets of matches and of the gaps between them. */
export function scanRegExp(re: RegExp, s: string, start: number, n: number, ends: number[]): void {
  re.lastIndex = start;
  let last = start;
  const sub = n === s.length ? s : s.slice(0, n);
  let m: RegExpExecArray | null;
  while ((m = re.exec(sub)) !== null) {
    if (m[0].length === 0) { re.lastIndex++; continue; }
    if (m.index > last) ends.push(m.index);
    ends.push((last = m.index + m[0].length));
  }
  if (last < n) ends.push(n);
}

export type Scanner = (s: string, start: number, n: number, ends: number[]) => void;

/** A scanner for a split pattern: hand-written for GPT-2 and cl100k, RegExp otherwise. */
export function scannerFor(pattern: string): Scanner {
  if (pattern === GPT2_PATTERN || pattern === R50K_PATTERN) return scanGpt2;
  if (pattern === CL100K_PATTERN) return scanCl100k;
  const re = toJsRegExp(pattern);
  return (s, start, n, ends) => scanRegExp(re, s, start, n, ends);
}
