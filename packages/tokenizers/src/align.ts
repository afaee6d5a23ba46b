// Offset alignment, as HF's NormalizedString keeps it: every UTF-16 unit of a normalized or
// pre-tokenized string carries the [start, end) range of the original text it came from.
import type { Normalizer } from './normalizers.js';
import { NormalizerSequence, Prepend, Strip } from './normalizers.js';
import { ByteLevel, Metaspace, PreTokenizerSequence, type PreTokenizer } from './pre-tokenizers.js';
import { scanGpt2 } from './scanners.js';
import { BYTE_TO_CHAR, cls, C_WS } from './unicode.js';

/** A string whose unit i comes from original range [a[i], b[i]). */
export interface Aligned { s: string; a: number[]; b: number[] }

export function identity(s: string, base: number): Aligned {
  const a = new Array<number>(s.length), b = new Array<number>(s.length);
  for (let i = 0; i < s.length; i++) {
    const w = i + 1 < s.length && isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1)) ? 2 : 1;
    a[i] = base + i; b[i] = base + i + w;
    if (w === 2) { a[i + 1] = base + i; b[i + 1] = base + i + 2; i++; }
  }
  return { s, a, b };
}
const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
const cpw = (s: string, i: number) => (i + 1 < s.length && isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1)) ? 2 : 1);

export function sliceAligned(x: Aligned, i: number, j: number): Aligned {
  return { s: x.s.slice(i, j), a: x.a.slice(i, j), b: x.b.slice(i, j) };
}

/** Original range of units [i, j) of x. */
export function rangeOf(x: Aligned, i: number, j: number): [number, number] {
  if (x.s.length === 0) return [0, 0];
  if (j <= i) { const k = Math.min(i, x.s.length - 1); const p = i >= x.s.length ? x.b[k]! : x.a[k]!; return [p, p]; }
  return [x.a[i]!, x.b[j - 1]!];
}

/** Apply one step whose output unit k comes from input units [sa[k], sb[k]). */
function compose(x: Aligned, out: string, sa: number[], sb: number[]): Aligned {
  const a = new Array<number>(out.length), b = new Array<number>(out.length);
  for (let k = 0; k < out.length; k++) { const r = rangeOf(x, sa[k]!, sb[k]!); a[k] = r[0]; b[k] = r[1]; }
  return { s: out, a, b };
}

/** Normalize x keeping alignments. */
export function normalizeAligned(x: Aligned, n: Normalizer): Aligned {
  if (n instanceof NormalizerSequence) { for (const m of n.normalizers) x = normalizeAligned(x, m); return x; }
  const s = x.s;
  const out = n.normalize(s);
  if (out === s) return x;
  if (n instanceof Strip) {
    const i = s.indexOf(out); // the kept part
    return sliceAligned(x, i, i + out.length);
  }
  if (n instanceof Prepend) {
    if (!s.length) return x;
    const p = n.prepend.length;
    return { s: out, a: [...new Array<number>(p).fill(x.a[0]!), ...x.a], b: [...new Array<number>(p).fill(x.b[0]!), ...x.b] };
  }
  // Normalize the smallest run of code points whose output continues `out` where we are and does not
  // depend on what follows. As HF's alignments do, the first output char of a run of n chars giving m
  // takes the first char's range and the others the range of char max(0, n - m) of the run.
  const sa: number[] = [], sb: number[] = [];
  const memo = memoFor(n);
  let i = 0, pos = 0;
  while (i < s.length) {
    let j = i + cpw(s, i), ok = false;
    // one code point whose normalization does not depend on the next one (memoized)
    let piece = memo.one(s.slice(i, j));
    if (out.startsWith(piece, pos) && (j >= s.length || memo.pairOk(s.slice(i, j + cpw(s, j))))) {
      for (let k = 0; k < piece.length; k++) { sa.push(i); sb.push(j); }
      pos += piece.length; i = j;
      continue;
    }
    for (let tries = 0; !ok && tries < 8 && j < s.length; tries++) {
      j += cpw(s, j);
      piece = n.normalize(s.slice(i, j));
      if (!out.startsWith(piece, pos)) continue;
      if (j >= s.length) { ok = true; break; }
      const j2 = j + cpw(s, j);
      if (n.normalize(s.slice(i, j2)) === piece + n.normalize(s.slice(j, j2))) { ok = true; break; }
    }
    if (!ok) { // give up: the rest of the output comes from the rest of the input
      while (pos < out.length) { sa.push(i); sb.push(s.length); pos++; }
      i = s.length; break;
    }
    const cps: number[] = [];
    for (let k = i; k < j; k += cpw(s, k)) cps.push(k);
    cps.push(j);
    const nIn = cps.length - 1;
    let m = 0;
    for (let k = 0; k < piece.length; k += cpw(piece, k)) m++;
    for (let k = 0, c = 0; k < piece.length; c++) {
      const w = cpw(piece, k);
      const src = c === 0 ? 0 : Math.max(0, nIn - m);
      for (let u = 0; u < w; u++) { sa.push(cps[src]!); sb.push(cps[src + 1]!); }
      k += w;
    }
    pos += piece.length; i = j;
  }
  while (pos < out.length) { sa.push(Math.max(0, s.length - 1)); sb.push(s.length); pos++; }
  return compose(x, out, sa, sb);
}

interface Memo { one(c: string): string; pairOk(p: string): boolean }
const memos = new WeakMap<Normalizer, Memo>();
/** Cached normalization of single code points, and whether a pair normalizes char by char. */
function memoFor(n: Normalizer): Memo {
  let m = memos.get(n);
  if (m) return m;
  const one = new Map<string, string>(), pair = new Map<string, boolean>();
  const norm1 = (c: string) => {
    let r = one.get(c);
    if (r === undefined) { if (one.size > 1 << 16) one.clear(); r = n.normalize(c); one.set(c, r); }
    return r;
  };
  m = {
    one: norm1,
    pairOk(p: string) {
      let r = pair.get(p);
      if (r === undefined) {
        if (pair.size > 1 << 18) pair.clear();
        const w = cpw(p, 0);
        r = n.normalize(p) === norm1(p.slice(0, w)) + norm1(p.slice(w));
        pair.set(p, r);
      }
      return r;
    },
  };
  memos.set(n, m);
  return m;
}

/** Pre-tokenize x keeping alignments; `base` is what the plain pre-tokenizer would get. */
export function preTokenizeAligned(p: PreTokenizer, x: Aligned, base: number, out: Aligned[], bases: number[], emptyAt = 0): void {
  if (p instanceof PreTokenizerSequence) {
    let cur = [x], cb = [base];
    for (const q of p.pretokenizers) {
      const nx: Aligned[] = [], nb: number[] = [];
      for (let i = 0; i < cur.length; i++) preTokenizeAligned(q, cur[i]!, cb[i]!, nx, nb, emptyAt);
      cur = nx; cb = nb;
    }
    out.push(...cur); bases.push(...cb);
    return;
  }
  if (p instanceof ByteLevel) {
    let t = x;
    if (p.addPrefixSpace && !x.s.startsWith(' ') && x.s.length) t = { s: ' ' + x.s, a: [x.a[0]!, ...x.a], b: [x.b[0]!, ...x.b] };
    const ends: number[] = [];
    if (p.useRegex) scanGpt2(t.s, 0, t.s.length, ends); else if (t.s.length) ends.push(t.s.length);
    let st = 0;
    for (const e of ends) {
      let s = '';
      const a: number[] = [], b: number[] = [];
      for (let i = st; i < e; ) {
        const cp = t.s.codePointAt(i)!;
        const w = cp > 0xffff ? 2 : 1;
        const r0 = t.a[i]!, r1 = t.b[i + w - 1]!;
        for (const byte of utf8Bytes(cp)) { s += BYTE_TO_CHAR[byte]!; a.push(r0); b.push(r1); }
        i += w;
      }
      out.push({ s, a, b }); bases.push(base + Math.max(0, st - (t === x ? 0 : 1)));
      st = e;
    }
    return;
  }
  if (p instanceof Metaspace) {
    const r = p.replacement;
    let t: Aligned = x;
    if (x.s.includes(' ')) {
      if (r.length === 1) t = { s: x.s.split(' ').join(r), a: x.a, b: x.b };
      else {
        let s = ''; const a: number[] = [], b: number[] = [];
        for (let i = 0; i < x.s.length; i++) {
          const c = x.s[i] === ' ' ? r : x.s[i]!;
          s += c; for (let k = 0; k < c.length; k++) { a.push(x.a[i]!); b.push(x.b[i]!); }
        }
        t = { s, a, b };
      }
    }
    let shift = 0;
    if ((p.prependScheme === 'always' || (p.prependScheme === 'first' && base === 0)) && !t.s.startsWith(r)) {
      // the prepended replacement takes the range of the first char (HF NormalizedString.prepend)
      const a0 = t.s.length ? t.a[0]! : emptyAt, b0 = t.s.length ? t.b[0]! : emptyAt;
      t = { s: r + t.s, a: [...new Array<number>(r.length).fill(a0), ...t.a], b: [...new Array<number>(r.length).fill(b0), ...t.b] };
      shift = r.length;
    }
    if (!p.split) { out.push(t); bases.push(base); return; }
    let a = 0, i = t.s.indexOf(r, 1);
    while (i >= 0) {
      out.push(sliceAligned(t, a, i)); bases.push(base + Math.max(0, a - shift));
      a = i; i = t.s.indexOf(r, i + r.length);
    }
    if (a < t.s.length) { out.push(sliceAligned(t, a, t.s.length)); bases.push(base + Math.max(0, a - shift)); }
    return;
  }
  // the other pre-tokenizers only cut: pieces are substrings at their start
  const strs: string[] = [], starts: number[] = [];
  p.preTokenize(x.s, base, strs, starts);
  for (let k = 0; k < strs.length; k++) {
    const i = starts[k]! - base;
    if (x.s.startsWith(strs[k]!, i)) out.push(sliceAligned(x, i, i + strs[k]!.length));
    else { const r = rangeOf(x, 0, x.s.length); out.push({ s: strs[k]!, a: new Array(strs[k]!.length).fill(r[0]), b: new Array(strs[k]!.length).fill(r[1]) }); }
    bases.push(starts[k]!);
  }
}

function utf8Bytes(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}
export function utf8LenOfCp(cp: number): number { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

/**
 * HF ByteLevel offset trimming (post-processor), from the token strings. HF moves offsets by bytes
 * (one per space char); a move that ends inside a multi-byte char lands on that char's start.
 */
export function trimByteLevelOffsets(tokens: string[], offsets: Array<[number, number]>, addPrefixSpace: boolean, text: string): void {
  const sp = BYTE_TO_CHAR[32]!;
  const isSp = (c: string) => c === sp || (cls(c.codePointAt(0)!) & C_WS) !== 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = [...tokens[i]!], o = offsets[i]!;
    let lead = 0; while (lead < t.length && isSp(t[lead]!)) lead++;
    let trail = 0; while (trail < t.length && isSp(t[t.length - 1 - trail]!)) trail++;
    if (lead > 0) {
      if ((i === 0 || o[0] === 0) && addPrefixSpace && lead === 1) lead = 0;
      let x = o[0];
      while (lead > 0 && x < o[1]) {
        const cp = text.codePointAt(x)!, l = utf8LenOfCp(cp);
        if (l > lead) break;
        lead -= l; x += cp > 0xffff ? 2 : 1;
      }
      o[0] = Math.min(x, o[1]);
    }
    if (trail > 0 && utf8Len(text, 0, o[1]) >= trail) {
      let x = o[1];
      while (trail > 0 && x > 0) {
        const w = x >= 2 && isLow(text.charCodeAt(x - 1)) && isHigh(text.charCodeAt(x - 2)) ? 2 : 1;
        const l = utf8LenOfCp(text.codePointAt(x - w)!);
        x -= w; trail -= l; // a move inside the char lands on its start too
      }
      o[1] = Math.max(x, o[0]);
    }
  }
}

function utf8Len(s: string, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) { const c = s.charCodeAt(i); n += c < 0x80 ? 1 : c < 0x800 ? 2 : isHigh(c) || isLow(c) ? 2 : 3; }
  return n;
}
