// Normalizers of the HF pipeline. Each maps a string to its normalized form.
import { describe, fail } from './errors.js';
import { badArg, checkParts, checkText } from './args.js';
import { cls, C_CTRL, C_MN, C_WS, utf8, fromUtf8 } from './unicode.js';
import { toJsRegExp } from './scanners.js';

export interface Normalizer {
  readonly type: string;
  normalize(s: string): string;
  toJSON(): Record<string, unknown>;
}

type Form = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';
export class UnicodeNormalizer implements Normalizer {
  constructor(readonly type: Form) { checkParts('UnicodeNormalizer', [['type', type, ['NFC', 'NFD', 'NFKC', 'NFKD']]]); }
  normalize(s: string): string { checkText(`${this.type}.normalize`, s); return s.normalize(this.type); }
  toJSON() { return { type: this.type }; }
}

export class Lowercase implements Normalizer {
  readonly type = 'Lowercase';
  normalize(s: string): string { checkText(`${this.type}.normalize`, s); return s.toLowerCase(); }
  toJSON() { return { type: this.type }; }
}

const MN_RE = /\p{Mn}/gu;
export class StripAccents implements Normalizer {
  readonly type = 'StripAccents';
  normalize(s: string): string { checkText(`${this.type}.normalize`, s); return s.replace(MN_RE, ''); }
  toJSON() { return { type: this.type }; }
}

export class Strip implements Normalizer {
  readonly type = 'Strip';
  constructor(readonly left = true, readonly right = true) { checkParts('Strip', [['left', left, 'bool'], ['right', right, 'bool']]); }
  normalize(s: string): string { checkText(`${this.type}.normalize`, s);
    let a = 0, b = s.length;
    if (this.left) while (a < b && cls(s.codePointAt(a)!) & C_WS) a++;
    if (this.right) while (b > a && cls(s.charCodeAt(b - 1)) & C_WS) b--;
    return s.slice(a, b);
  }
  toJSON() { return { type: this.type, strip_left: this.left, strip_right: this.right }; }
}

export class Prepend implements Normalizer {
  readonly type = 'Prepend';
  constructor(readonly prepend: string) { checkParts('Prepend', [['prepend', prepend, 'string']]); }
  normalize(s: string): string { checkText(`${this.type}.normalize`, s); return s.length ? this.prepend + s : s; }
  toJSON() { return { type: this.type, prepend: this.prepend }; }
}

export type Pattern = { String: string } | { Regex: string };
export function patternRegExp(p: Pattern, where: string): RegExp {
  if (p && typeof (p as { String?: unknown }).String === 'string') {
    return new RegExp((p as { String: string }).String.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gu');
  }
  if (p && typeof (p as { Regex?: unknown }).Regex === 'string') {
    try { return toJsRegExp((p as { Regex: string }).Regex); } catch (e) {
      fail('UNSUPPORTED', `${where}.pattern.Regex: cannot compile ${describe((p as { Regex: string }).Regex)}: ${(e as Error).message}`);
    }
  }
  fail('INVALID_FIELD', `${where}.pattern must be {"String": ...} or {"Regex": ...}`);
}

export class Replace implements Normalizer {
  readonly type = 'Replace';
  private re: RegExp;
  constructor(readonly pattern: Pattern, readonly content: string) { checkParts('Replace', [['content', content, 'string']]); this.re = patternRegExp(pattern, 'normalizer'); }
  normalize(s: string): string { checkText(`${this.type}.normalize`, s); return s.replace(this.re, () => this.content); }
  toJSON() { return { type: this.type, pattern: this.pattern, content: this.content }; }
}

function isChinese(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) || (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);
}

export class BertNormalizer implements Normalizer {
  readonly type = 'BertNormalizer';
  constructor(readonly cleanText = true, readonly handleChineseChars = true, readonly stripAccents: boolean | null = null, readonly lowercase = true) { checkParts('BertNormalizer', [['cleanText', cleanText, 'bool'], ['handleChineseChars', handleChineseChars, 'bool'], ['stripAccents', stripAccents, 'bool?'], ['lowercase', lowercase, 'bool']]); }
  normalize(s: string): string { checkText(`${this.type}.normalize`, s);
    let out = '';
    let plain = true; // fast path: pure printable ASCII needs no per-char work
    for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 32 || c > 126) { plain = false; break; } }
    if (plain) out = s;
    else {
      for (let i = 0; i < s.length; ) {
        const cp = s.codePointAt(i)!;
        const w = cp > 0xffff ? 2 : 1;
        const ch = s.slice(i, i + w);
        i += w;
        if (this.cleanText) {
          if (cp === 0 || cp === 0xfffd) continue;
          const f = cls(cp);
          if (cp === 9 || cp === 10 || cp === 13 || (f & C_WS && !(f & C_CTRL))) { out += ' '; continue; }
          if (f & C_CTRL) continue;
        }
        if (this.handleChineseChars && isChinese(cp)) { out += ' ' + ch + ' '; continue; }
        out += ch;
      }
    }
    if (this.stripAccents ?? this.lowercase) {
      let ascii = true;
      for (let i = 0; i < out.length; i++) if (out.charCodeAt(i) > 127) { ascii = false; break; }
      if (!ascii) {
        const d = out.normalize('NFD');
        let r = '';
        for (let i = 0; i < d.length; ) {
          const cp = d.codePointAt(i)!;
          const w = cp > 0xffff ? 2 : 1;
          if (!(cls(cp) & C_MN)) r += d.slice(i, i + w);
          i += w;
        }
        out = r;
      }
    }
    if (this.lowercase) out = out.toLowerCase();
    return out;
  }
  toJSON() {
    return { type: this.type, clean_text: this.cleanText, handle_chinese_chars: this.handleChineseChars, strip_accents: this.stripAccents, lowercase: this.lowercase };
  }
}

/**
 * SentencePiece's precompiled char map: a Darts double-array trie over UTF-8 bytes whose values
 * point into a blob of NUL-terminated replacement strings.
 */
export class CharsMap {
  readonly trie: Uint32Array;
  readonly normalized: Uint8Array;
  readonly raw: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.raw = bytes;
    if (bytes.length < 4) fail('INVALID_FIELD', 'precompiled_charsmap: too short');
    const trieSize = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
    if (trieSize % 4 !== 0 || 4 + trieSize > bytes.length || trieSize === 0) fail('INVALID_FIELD', `precompiled_charsmap: bad trie size ${trieSize}`);
    const t = new Uint32Array(trieSize / 4);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < t.length; i++) t[i] = dv.getUint32(4 + i * 4, true);
    this.trie = t;
    this.normalized = bytes.subarray(4 + trieSize);
  }
  /** Values of all prefixes of b[start..end) found in the trie, with their lengths: [len, value, ...]. */
  prefixes(b: Uint8Array, start: number, end: number, out: number[]): void {
    const a = this.trie;
    let unit = a[0]!;
    let pos = (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c === 0) return;
      pos ^= c;
      if (pos >= a.length) return;
      unit = a[pos]!;
      if ((unit & ((1 << 31) | 0xff)) >>> 0 !== c) return;
      pos ^= (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
      if (pos >= a.length) return;
      if ((unit >>> 8) & 1) { out.push(i + 1 - start, a[pos]! & 0x7fffffff); }
    }
  }
  /** The replacement string at a value (bytes up to the NUL). */
  valueBytes(v: number): Uint8Array {
    let e = v;
    while (e < this.normalized.length && this.normalized[e] !== 0) e++;
    return this.normalized.subarray(Math.min(v, e), e);
  }
}

const segmenter = typeof Intl !== 'undefined' && (Intl as { Segmenter?: unknown }).Segmenter
  ? new Intl.Segmenter('und', { granularity: 'grapheme' }) : null;

/** HF `Precompiled` normalizer (as `tokenizers` applies it: per grapheme, then per char). */
export class Precompiled implements Normalizer {
  readonly type = 'Precompiled';
  readonly map: CharsMap;
  private ascii: (string | null)[] = [];
  private memo = new Map<string, string | null>();
  constructor(readonly base64: string) {
    checkParts('Precompiled', [['base64', base64, 'string']]);
    let bytes: Uint8Array;
    try { bytes = new Uint8Array(Buffer.from(base64, 'base64')); } catch { fail('INVALID_FIELD', 'normalizer.precompiled_charsmap: not base64'); }
    this.map = new CharsMap(bytes);
    for (let c = 0; c < 128; c++) this.ascii[c] = this.transform(String.fromCharCode(c));
  }
  static fromBytes(bytes: Uint8Array): Precompiled {
    return new Precompiled(Buffer.from(bytes).toString('base64'));
  }
  private transform(chunk: string): string | null {
    const m = this.memo.get(chunk);
    if (m !== undefined) return m;
    const b = utf8(chunk);
    const found: number[] = [];
    this.map.prefixes(b, 0, b.length, found);
    const r = found.length ? fromUtf8(this.map.valueBytes(found[1]!)) : null;
    if (this.memo.size < 100_000) this.memo.set(chunk, r);
    return r;
  }
  normalize(s: string): string { checkText(`${this.type}.normalize`, s);
    let out = '';
    let i = 0;
    const n = s.length;
    while (i < n) {
      // ASCII run (graphemes are single chars there, except CR LF)
      let j = i;
      while (j < n) {
        const c = s.charCodeAt(j);
        if (c >= 128) break;
        if (j + 1 < n && s.charCodeAt(j + 1) >= 128) break; // may start a grapheme with combining marks
        if (c === 13 && j + 1 < n && s.charCodeAt(j + 1) === 10) {
          out += this.transform('\r\n') ?? ((this.ascii[13] ?? '\r') + (this.ascii[10] ?? '\n'));
          j += 2; continue;
        }
        const t = this.ascii[c];
        out += t ?? s[j];
        j++;
      }
      if (j >= n) break;
      i = j;
      j++;
      while (j < n && s.charCodeAt(j) >= 128) j++;
      const run = s.slice(i, j);
      const graphemes = segmenter ? Array.from(segmenter.segment(run), (x) => x.segment) : Array.from(run);
      for (const g of graphemes) {
        if (utf8Len(g) < 6) {
          const t = this.transform(g);
          if (t !== null) { out += t; continue; }
        }
        for (const ch of g) out += this.transform(ch) ?? ch;
      }
      i = j;
    }
    return out;
  }
  toJSON() { return { type: this.type, precompiled_charsmap: this.base64 }; }
}

function utf8Len(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : c >= 0xdc00 && c <= 0xdfff ? 0 : 3;
  }
  return n;
}

export class NormalizerSequence implements Normalizer {
  readonly type = 'Sequence';
  constructor(readonly normalizers: Normalizer[]) { checkParts('NormalizerSequence', [['normalizers', normalizers, 'array']]); normalizers.forEach((n, i) => { if (typeof (n as Partial<Normalizer>)?.normalize !== 'function') badArg('NormalizerSequence', `normalizers[${i}]`, 'a Normalizer', n); }); }
  normalize(s: string): string { checkText(`${this.type}.normalize`, s); for (const n of this.normalizers) s = n.normalize(s); return s; }
  toJSON() { return { type: this.type, normalizers: this.normalizers.map((n) => n.toJSON()) }; }
}
